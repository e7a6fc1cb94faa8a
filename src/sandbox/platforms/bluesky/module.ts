// The Bluesky PDS simulator as the sandbox registers it (src/sandbox/platform-module.ts). Bluesky needs no app
// credentials: `npm run dev` only switches the provider on (it then talks to `<sandbox>/bluesky`), unless a real
// service is configured.
import { defineSandboxModule } from '../../platform-module.js';
import { blueskyPlatform, type BlueskySandboxOptions } from './index.js';

export const blueskySandboxModule = defineSandboxModule<BlueskySandboxOptions>({
  create: blueskyPlatform,
  devSettings: { unlessSet: 'BLUESKY_SERVICE_URL', values: { BLUESKY_ENABLED: 'true' } },
});
