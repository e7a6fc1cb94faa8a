// The one engagement-rate formula, shared by the insights sync (the stored post_analytics.engagement_rate) and the
// stats API (rates of aggregated rows): (likes + comments + shares + saves) / views × 100, with reach standing in
// when views are missing, rounded to two decimals. No denominator (missing or zero) → null, never a division error.

export interface EngagementInputs {
  views?: number | null;
  reach?: number | null;
  likes?: number | null;
  comments?: number | null;
  shares?: number | null;
  saves?: number | null;
}

export function engagementRate(m: EngagementInputs): number | null {
  const denominator = m.views ?? m.reach ?? null;
  if (denominator === null || !Number.isFinite(denominator) || denominator <= 0) return null;
  const interactions = (m.likes ?? 0) + (m.comments ?? 0) + (m.shares ?? 0) + (m.saves ?? 0);
  // Percent with two decimals: round the value ×100 once, in integer hundredths.
  return Math.round((interactions * 10_000) / denominator) / 100;
}
