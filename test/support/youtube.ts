// The YouTube provider pointed at a sandbox's YouTube simulator (consent window, token endpoint and API all under
// `/youtube`), with the sandbox's client credentials unless the suite gives its own.
import { createYoutubeProvider, type YoutubeProviderOptions } from '../../src/platforms/youtube/index.js';
import type { PlatformProvider } from '../../src/platforms/provider.js';
import { YOUTUBE_SANDBOX_CLIENT_ID, YOUTUBE_SANDBOX_CLIENT_SECRET } from '../../src/sandbox/platforms/youtube/index.js';

export function youtubeAt(sandboxBaseUrl: string, over: Partial<YoutubeProviderOptions> = {}): PlatformProvider {
  return createYoutubeProvider({
    clientId: YOUTUBE_SANDBOX_CLIENT_ID, clientSecret: YOUTUBE_SANDBOX_CLIENT_SECRET,
    authBaseUrl: `${sandboxBaseUrl}/youtube`, tokenBaseUrl: `${sandboxBaseUrl}/youtube`, apiBaseUrl: `${sandboxBaseUrl}/youtube`, ...over,
  });
}
