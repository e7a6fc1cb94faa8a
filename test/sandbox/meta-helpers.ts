// Shared by the Meta sandbox suites: a user token the way an app gets one (Facebook Login dialog → code →
// short-lived token → fb_exchange_token), with the scopes asked for.
import { META_SANDBOX_APP_ID, META_SANDBOX_APP_SECRET } from '../../src/sandbox/platforms/meta/index.js';
import { api, type RunningSandbox } from './helpers.js';

export const META_VERSION = 'v25.0';
const REDIRECT = 'https://herald.example/api/social/callback/instagram';

export async function metaLongLivedToken(sb: RunningSandbox, scope: string): Promise<string> {
  const q = new URLSearchParams({ client_id: META_SANDBOX_APP_ID, redirect_uri: REDIRECT, state: 's', response_type: 'code', scope });
  const res = await fetch(`${sb.baseUrl}/meta/${META_VERSION}/dialog/oauth?${q}`, { redirect: 'manual' });
  const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
  const exchange = (p: Record<string, string>) =>
    api(sb.baseUrl, 'GET', `/meta/${META_VERSION}/oauth/access_token?${new URLSearchParams({ client_id: META_SANDBOX_APP_ID, client_secret: META_SANDBOX_APP_SECRET, ...p })}`);
  const short = await exchange({ code, redirect_uri: REDIRECT });
  return (await exchange({ grant_type: 'fb_exchange_token', fb_exchange_token: short.body.access_token })).body.access_token;
}
