// The options form of a Threads target: a link preview for text posts, and follow-up parts making a thread.
import { staticOptionForm } from '../shared/static-option-form.js';
import { MAX_THREAD_PARTS } from './target.js';

export const threadsOptionForm = staticOptionForm([
  { name: 'linkAttachment', label: 'Link preview', kind: 'text', required: false, appliesTo: ['text'], description: 'An http(s) URL shown as the preview of a text post' },
  {
    name: 'thread', label: 'Thread: follow-up posts', kind: 'text_list', required: false,
    description: `Published in order as replies under the post, at most ${MAX_THREAD_PARTS}; each has the same length limit`,
  },
]);
