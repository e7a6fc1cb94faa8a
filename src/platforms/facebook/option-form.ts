// The options form of a Facebook Page target: a link preview for text posts, Reel or regular video for one video.
import { staticOptionForm } from '../shared/static-option-form.js';

export const facebookOptionForm = staticOptionForm([
  { name: 'link', label: 'Link (with preview)', kind: 'text', required: false, appliesTo: ['text'], description: 'An absolute http(s) URL; text posts only' },
  {
    name: 'mediaType', label: 'Post a video as', kind: 'enum', required: false, appliesTo: ['video'],
    values: [{ value: 'VIDEO', label: 'Page video' }, { value: 'REELS', label: 'Reel' }],
  },
]);
