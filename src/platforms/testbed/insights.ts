// The testbed has no analytics API: insights are empty, which keeps the insights workflows exercisable end to end.
import type { InsightsProvider } from '../provider.js';

export function createTestbedInsights(): InsightsProvider {
  return {
    async fetchAccountInsights() {
      return [];
    },
    async fetchPostMetrics() {
      return [];
    },
  };
}
