// The Bluesky provider pointed at a sandbox's PDS simulator (`/bluesky`), and the sandbox's default account's
// credentials as the connect form takes them.
import { createBlueskyProvider, type BlueskyProviderOptions } from '../../src/platforms/bluesky/index.js';
import type { PlatformProvider } from '../../src/platforms/provider.js';
import { DEFAULT_BLUESKY_ACCOUNT } from '../../src/sandbox/platforms/bluesky/index.js';

export function blueskyAt(sandboxBaseUrl: string, over: Partial<BlueskyProviderOptions> = {}): PlatformProvider {
  return createBlueskyProvider({ serviceUrl: `${sandboxBaseUrl}/bluesky`, ...over });
}

export const BLUESKY_LOGIN = { identifier: DEFAULT_BLUESKY_ACCOUNT.handle, appPassword: DEFAULT_BLUESKY_ACCOUNT.appPassword };
