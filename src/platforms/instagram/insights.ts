// Instagram insights (contract §4.9-4.10) are not fetched yet: both calls answer nothing, so collection skips them.
import type { InsightsProvider } from '../provider.js';

export function createInstagramInsights(): InsightsProvider {
  return {
    fetchAccountInsights: async () => [],
    fetchPostMetrics: async () => [],
  };
}
