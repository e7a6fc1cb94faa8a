// The X simulator as the sandbox registers it (src/sandbox/platform-module.ts).
import { defineSandboxModule } from '../../platform-module.js';
import { xPlatform, type XSandboxOptions } from './index.js';
import { X_SANDBOX_CLIENT_ID, X_SANDBOX_CLIENT_SECRET } from './options.js';

export const xSandboxModule = defineSandboxModule<XSandboxOptions>({
  create: xPlatform,
  fromConfig: (config) => ({
    ...(config.X_CLIENT_ID ? { clientId: config.X_CLIENT_ID } : {}),
    ...(config.X_CLIENT_SECRET ? { clientSecret: config.X_CLIENT_SECRET } : {}),
  }),
  devSettings: { unlessSet: 'X_API_BASE_URL', values: { X_CLIENT_ID: X_SANDBOX_CLIENT_ID, X_CLIENT_SECRET: X_SANDBOX_CLIENT_SECRET } },
});
