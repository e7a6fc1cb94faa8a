// A platform provider for API tests: limits chosen by the test, and one option rule so provider-specific
// validation can be observed. It never publishes (API tests run no worker unless they use ScriptedProvider).
import type { PlatformLimits, PlatformProvider, ValidationIssue } from '../../../src/platforms/provider.js';

export const defaultFakeLimits: PlatformLimits = {
  maxTextLength: 50,
  maxHashtags: 3,
  minMedia: 0,
  maxMedia: 2,
  mediaTypes: ['image/*'],
};

export function fakeProvider(id = 'fakebook', limits: Partial<PlatformLimits> = {}): PlatformProvider {
  return {
    id,
    displayName: `Fake ${id}`,
    limits: { ...defaultFakeLimits, ...limits },
    validateTarget(draft): ValidationIssue[] {
      const privacy = draft.options.privacy;
      if (privacy !== undefined && privacy !== 'public' && privacy !== 'friends') {
        return [{ field: 'options.privacy', rule: 'privacy_level', message: 'privacy must be public or friends' }];
      }
      return [];
    },
    publish: {
      plan: () => [],
      runStep: () => Promise.reject(new Error('the fake provider does not publish')),
      reconcile: () => Promise.reject(new Error('the fake provider does not publish')),
    },
  };
}
