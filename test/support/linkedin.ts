// The LinkedIn provider pointed at a sandbox's LinkedIn simulator (OAuth under `/linkedin/oauth/v2`, the API under
// `/linkedin`), with the sandbox's app credentials unless the suite gives its own.
import { createLinkedinProvider, type LinkedinProviderOptions } from '../../src/platforms/linkedin/index.js';
import type { PlatformProvider } from '../../src/platforms/provider.js';
import { LINKEDIN_SANDBOX_CLIENT_ID, LINKEDIN_SANDBOX_CLIENT_SECRET } from '../../src/sandbox/platforms/linkedin/index.js';

export function linkedinAt(sandboxBaseUrl: string, over: Partial<LinkedinProviderOptions> = {}): PlatformProvider {
  return createLinkedinProvider({
    clientId: LINKEDIN_SANDBOX_CLIENT_ID, clientSecret: LINKEDIN_SANDBOX_CLIENT_SECRET,
    authBaseUrl: `${sandboxBaseUrl}/linkedin/oauth/v2`, apiBaseUrl: `${sandboxBaseUrl}/linkedin`, ...over,
  });
}
