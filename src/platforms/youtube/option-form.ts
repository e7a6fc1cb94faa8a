// The options form of a YouTube target: the video's title, description, tags, category, audience and privacy.
import { staticOptionForm } from '../shared/static-option-form.js';
import { CATEGORIES, MAX_DESCRIPTION_BYTES, MAX_TAGS_CHARS, MAX_TITLE_CHARS } from './target.js';

export const youtubeOptionForm = staticOptionForm([
  { name: 'title', label: 'Title', kind: 'text', required: true, description: `At most ${MAX_TITLE_CHARS} characters, no < or >` },
  { name: 'description', label: 'Description', kind: 'text', required: false, description: `At most ${MAX_DESCRIPTION_BYTES} bytes, no < or >; default: the post's text` },
  { name: 'tags', label: 'Tags', kind: 'text_list', required: false, description: `At most ${MAX_TAGS_CHARS} characters in all (commas count; a tag with a space counts its quotes)` },
  { name: 'categoryId', label: 'Category', kind: 'enum', required: false, default: '22', values: CATEGORIES.map(([value, label]) => ({ value, label })) },
  { name: 'madeForKids', label: 'Made for kids', kind: 'boolean', required: false, default: false, description: 'Self-declared: YouTube restricts comments and ads on videos made for kids' },
  {
    name: 'privacy', label: 'Visibility', kind: 'enum', required: false, default: 'public',
    values: [{ value: 'public', label: 'Public' }, { value: 'unlisted', label: 'Unlisted' }, { value: 'private', label: 'Private' }],
    description: 'Videos uploaded by an unaudited Google Cloud project stay private whatever is chosen',
  },
  { name: 'thumbnail', label: 'Thumbnail', kind: 'text', required: false, description: 'Media id of an uploaded JPEG or PNG (at most 2 MB), set once the video is processed; YouTube allows custom thumbnails on verified channels only' },
]);
