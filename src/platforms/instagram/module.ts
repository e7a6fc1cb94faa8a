// Instagram's settings (the Meta app's, shared with Facebook, and its own publishing limit) and its provider:
// available when the Meta app id and secret are set.
import { positiveInt } from '../../setting-types.js';
import { definePlatformModule } from '../platform-module.js';
import { metaAppSettings, metaHosts } from '../shared/meta-app-settings.js';
import { createInstagramProvider } from './index.js';

export const instagramModule = definePlatformModule({
  name: 'instagram',
  settings: {
    ...metaAppSettings,
    /** Instagram posts per 24 h per account allowed by content_publishing_limit (50 or 100, per Meta's docs over time). */
    INSTAGRAM_PUBLISHING_LIMIT: positiveInt.default(50),
  },
  providers: (s, shared) => !s.META_APP_ID || !s.META_APP_SECRET ? [] : [createInstagramProvider({
    appId: s.META_APP_ID,
    appSecret: s.META_APP_SECRET,
    ...metaHosts(s, shared.sandboxBaseUrl),
    graphVersion: s.META_GRAPH_VERSION,
    tokenRenewal: s.META_TOKEN_RENEWAL,
    webhookVerifyToken: s.META_WEBHOOK_VERIFY_TOKEN,
    publishingLimit: s.INSTAGRAM_PUBLISHING_LIMIT,
    settleWindow: shared.settleWindow,
  })],
});
