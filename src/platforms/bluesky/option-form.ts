// The options form of a Bluesky target: follow-up parts making a thread.
import { staticOptionForm } from '../shared/static-option-form.js';
import { MAX_THREAD_PARTS } from './target.js';

export const blueskyOptionForm = staticOptionForm([
  {
    name: 'thread', label: 'Thread: follow-up posts', kind: 'text_list', required: false,
    description: `Published in order, each replying to the one before, at most ${MAX_THREAD_PARTS}; each has the same length limit`,
  },
]);
