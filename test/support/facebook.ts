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

/**
 * The Page token a login through the sandbox's dialog gets for `pageId` (what the connect flow stores as the Page
 * account's own credentials once accounts carry them).
 */
export async function sandboxPageToken(provider: PlatformProvider, pageId: string): Promise<string> {
  const redirectUri = 'http://127.0.0.1:3000/api/social/connect/facebook/callback';
  const res = await fetch(provider.oauth!.authorizeUrl({ state: 's', redirectUri }), { redirect: 'manual' });
  const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
  const profiles = await provider.oauth!.fetchProfiles(await provider.oauth!.exchangeCode({ code, redirectUri }));
  const token = profiles.find((p) => p.platformAccountId === pageId)?.credentials?.accessToken;
  if (!token) throw new Error(`the sandbox login yields no Page token for ${pageId}`);
  return token;
}
