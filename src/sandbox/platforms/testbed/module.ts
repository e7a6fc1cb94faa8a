// The the testbed simulator as the sandbox registers it (src/sandbox/platform-module.ts).
import { defineSandboxModule } from '../../platform-module.js';
import { testbedPlatform, type TestbedOptions } from './index.js';

export const testbedSandboxModule = defineSandboxModule<TestbedOptions>({
  create: testbedPlatform,
  fromConfig: (config, herald) => ({
    clientSecret: config.TESTBED_CLIENT_SECRET,
    webhook: { url: `${herald.apiBaseUrl}/api/webhooks/testbed`, secret: config.TESTBED_WEBHOOK_SECRET },
  }),
  devSettings: { values: { TESTBED_PROVIDER_ENABLED: 'true' } },
});
