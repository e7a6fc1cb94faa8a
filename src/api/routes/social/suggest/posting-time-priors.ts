// Good hours to post for a platform whose provider names none (PlatformProvider.postingTimePriors): weekday mornings
// around the working day, what the public "best time to post" studies (Sprout Social, Hootsuite, Buffer; 2023-2025)
// cite across networks. Weekdays are ISO (1 = Monday … 7 = Sunday).
import type { WeekHour } from '../../../../platforms/provider.js';

export type { WeekHour };

export const GENERIC_POSTING_TIME_PRIORS: readonly WeekHour[] = [
  { weekday: 2, hour: 10 }, { weekday: 3, hour: 10 }, { weekday: 4, hour: 10 }, { weekday: 1, hour: 12 }, { weekday: 5, hour: 9 },
];
