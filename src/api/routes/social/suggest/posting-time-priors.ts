// Good hours to post when a user's own history is too thin to say: weekday × local hour slots, best first, as the
// public "best time to post" studies (Sprout Social, Hootsuite, Buffer; 2023-2025 editions) commonly cite them -
// weekday mornings around the working day for most networks, evenings and weekends for TikTok. This is data, not a
// branch per platform: an unknown platform gets the generic row. Weekdays are ISO (1 = Monday … 7 = Sunday).
export interface WeekHour { weekday: number; hour: number }

const slot = (weekday: number, hour: number): WeekHour => ({ weekday, hour });

const GENERIC: readonly WeekHour[] = [slot(2, 10), slot(3, 10), slot(4, 10), slot(1, 12), slot(5, 9)];

export const POSTING_TIME_PRIORS: Readonly<Record<string, readonly WeekHour[]>> = {
  instagram: [slot(2, 11), slot(3, 11), slot(4, 11), slot(1, 11), slot(5, 10)],
  facebook: [slot(2, 9), slot(3, 9), slot(4, 9), slot(3, 13), slot(5, 9)],
  x: [slot(2, 9), slot(3, 9), slot(4, 9), slot(3, 12), slot(5, 9)],
  linkedin: [slot(2, 10), slot(3, 10), slot(4, 10), slot(2, 12), slot(3, 8)],
  tiktok: [slot(2, 19), slot(4, 19), slot(5, 17), slot(6, 11), slot(7, 19)],
  threads: [slot(2, 9), slot(3, 9), slot(4, 9), slot(1, 12), slot(5, 9)],
};

export const priorSlotsFor = (platform: string): readonly WeekHour[] => POSTING_TIME_PRIORS[platform] ?? GENERIC;
