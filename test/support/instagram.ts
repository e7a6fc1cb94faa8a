// The Instagram provider pointed at a sandbox's Meta simulator (dialog and Graph both under `/meta`), with the
// sandbox's app credentials unless the suite gives its own.
import { createInstagramProvider, type InstagramProviderOptions } from '../../src/platforms/instagram/index.js';
import type { PlatformProvider } from '../../src/platforms/provider.js';
import { META_SANDBOX_APP_ID, META_SANDBOX_APP_SECRET } from '../../src/sandbox/platforms/meta/index.js';

export function instagramAt(sandboxBaseUrl: string, over: Partial<InstagramProviderOptions> = {}): PlatformProvider {
  return createInstagramProvider({
    appId: META_SANDBOX_APP_ID, appSecret: META_SANDBOX_APP_SECRET,
    dialogBaseUrl: `${sandboxBaseUrl}/meta`, graphBaseUrl: `${sandboxBaseUrl}/meta`, ...over,
  });
}
