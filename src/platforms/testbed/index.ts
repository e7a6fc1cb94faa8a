// Placeholder replaced by the testbed provider implementation.
import type { PlatformProvider } from '../provider.js';
export function createTestbedProvider(_opts: { baseUrl: string }): PlatformProvider {
  throw new Error('testbed provider not implemented yet');
}
