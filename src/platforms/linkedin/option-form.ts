// The options form of a LinkedIn target: who sees the post, and a link shown as an article preview.
import { staticOptionForm } from '../shared/static-option-form.js';

export const linkedinOptionForm = staticOptionForm([
  {
    name: 'visibility', label: 'Visibility', kind: 'enum', required: false, default: 'PUBLIC',
    values: [{ value: 'PUBLIC', label: 'Anyone' }, { value: 'CONNECTIONS', label: 'Connections only (member posts)' }],
  },
  { name: 'link', label: 'Link preview', kind: 'text', required: false, appliesTo: ['text'], description: 'An http(s) URL published as an article preview' },
  { name: 'title', label: 'Title', kind: 'text', required: false, appliesTo: ['text', 'video'], description: 'Title of the link preview or the video' },
]);
