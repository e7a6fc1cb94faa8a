// Facebook Pages' settings (the Meta app's, shared with Instagram, plus its own) and its provider: available when
// the Meta app id and secret are set, unless FACEBOOK_ENABLED is false.
import { z } from 'zod';
import { bool } from '../../setting-types.js';
import { definePlatformModule } from '../platform-module.js';
import { metaAppSettings, metaHosts } from '../shared/meta-app-settings.js';
import { createFacebookProvider } from './index.js';

export const facebookModule = definePlatformModule({
  name: 'facebook',
  settings: {
    ...metaAppSettings,
    /** Host of the Video API for Facebook Page videos (https://graph-video.facebook.com in production). */
    META_GRAPH_VIDEO_BASE_URL: z.string().url().optional(),
    /** Facebook Pages through the same Meta app (META_APP_ID / META_APP_SECRET); false leaves only Instagram on. */
    FACEBOOK_ENABLED: bool.default(true),
  },
  providers: (s, shared) => !s.META_APP_ID || !s.META_APP_SECRET || !s.FACEBOOK_ENABLED ? [] : [createFacebookProvider({
    appId: s.META_APP_ID,
    appSecret: s.META_APP_SECRET,
    ...metaHosts(s, shared.sandboxBaseUrl),
    videoBaseUrl: s.META_GRAPH_VIDEO_BASE_URL ?? `${shared.sandboxBaseUrl}/meta/graph-video`,
    graphVersion: s.META_GRAPH_VERSION,
    tokenRenewal: s.META_TOKEN_RENEWAL,
    webhookVerifyToken: s.META_WEBHOOK_VERIFY_TOKEN,
    settleWindow: shared.settleWindow,
  })],
});
