// The testbed platform's settings (a simple platform of the sandbox's own, for demos and tests) and its provider.
import { z } from 'zod';
import { bool } from '../../setting-types.js';
import { definePlatformModule } from '../platform-module.js';
import { createTestbedProvider } from './index.js';

export const testbedModule = definePlatformModule({
  name: 'testbed',
  settings: {
    TESTBED_PROVIDER_ENABLED: bool.default(false),
    TESTBED_API_BASE_URL: z.string().url().optional(),
    TESTBED_CLIENT_ID: z.string().default('testbed-client'),
    TESTBED_CLIENT_SECRET: z.string().default('testbed-client-secret'),
    TESTBED_WEBHOOK_SECRET: z.string().default('testbed-dev-webhook-secret'),
  },
  providers: (s, shared) => !s.TESTBED_PROVIDER_ENABLED ? [] : [createTestbedProvider({
    baseUrl: s.TESTBED_API_BASE_URL ?? `${shared.sandboxBaseUrl}/testbed`, clientId: s.TESTBED_CLIENT_ID, clientSecret: s.TESTBED_CLIENT_SECRET,
    webhookSecret: s.TESTBED_WEBHOOK_SECRET, webhookToleranceSeconds: shared.webhookToleranceSeconds,
    settleWindow: shared.settleWindow,
  })],
});
