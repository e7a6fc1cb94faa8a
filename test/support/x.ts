// The X provider pointed at a sandbox's X simulator (authorize window and API both under `/x`), with the sandbox's
// client credentials unless the suite gives its own.
import { createXProvider, type XProviderOptions } from '../../src/platforms/x/index.js';
import type { PlatformProvider } from '../../src/platforms/provider.js';
import { X_SANDBOX_CLIENT_ID, X_SANDBOX_CLIENT_SECRET } from '../../src/sandbox/platforms/x/index.js';

export function xAt(sandboxBaseUrl: string, over: Partial<XProviderOptions> = {}): PlatformProvider {
  return createXProvider({
    clientId: X_SANDBOX_CLIENT_ID, clientSecret: X_SANDBOX_CLIENT_SECRET,
    authBaseUrl: `${sandboxBaseUrl}/x`, apiBaseUrl: `${sandboxBaseUrl}/x`, ...over,
  });
}
