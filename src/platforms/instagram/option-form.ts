// The options form of an Instagram target: the kind of post, when the media alone do not say it.
import { staticOptionForm } from '../shared/static-option-form.js';

export const instagramOptionForm = staticOptionForm([
  {
    name: 'mediaType', label: 'Post as', kind: 'enum', required: false,
    values: [
      { value: 'IMAGE', label: 'Image post' },
      { value: 'REELS', label: 'Reel (video)' },
      { value: 'CAROUSEL', label: 'Carousel (2-10 items)' },
    ],
    description: 'Unset: several media make a carousel, one video a Reel, one image an image post.',
  },
]);
