// The options form of an X target: follow-up parts making a thread, and who may reply.
import { staticOptionForm } from '../shared/static-option-form.js';
import { MAX_THREAD_PARTS, REPLY_SETTINGS } from './target.js';

export const xOptionForm = staticOptionForm([
  {
    name: 'thread', label: 'Thread: follow-up posts', kind: 'text_list', required: false,
    description: `Published in order, each replying to the one before, at most ${MAX_THREAD_PARTS}; each has the same length limit`,
  },
  {
    name: 'replySettings', label: 'Who can reply', kind: 'enum', required: false,
    values: REPLY_SETTINGS.map((value) => ({ value, label: { following: 'Accounts you follow', mentionedUsers: 'Only accounts you mention', subscribers: 'Subscribers', verified: 'Verified accounts' }[value] })),
  },
]);
