// The Facebook Pages provider pointed at a sandbox's Meta simulator (dialog and Graph both under `/meta`), with the
// sandbox's app credentials unless the suite gives its own.
import { createFacebookProvider, type FacebookProviderOptions } from '../../src/platforms/facebook/index.js';
import type { PlatformProvider } from '../../src/platforms/provider.js';
import { META_SANDBOX_APP_ID, META_SANDBOX_APP_SECRET } from '../../src/sandbox/platforms/meta/index.js';

export function facebookAt(sandboxBaseUrl: string, over: Partial<FacebookProviderOptions> = {}): PlatformProvider {
  return createFacebookProvider({
    appId: META_SANDBOX_APP_ID, appSecret: META_SANDBOX_APP_SECRET,
    dialogBaseUrl: `${sandboxBaseUrl}/meta`, graphBaseUrl: `${sandboxBaseUrl}/meta`, ...over,
  });
}

/** A user administering three Pages: two postable, one where the user may only moderate and analyze. */
export const FACEBOOK_TEST_USER = {
  id: '1193679667748351',
  name: 'Page Admin',
  pages: [
    { id: '1755847768034501', name: 'Bakery Page', category: 'Bakery' },
    { id: '1755847768034502', name: 'Second Page' },
    { id: '1755847768034503', name: 'Moderated Page', tasks: ['ANALYZE', 'MODERATE'] },
  ],
};
