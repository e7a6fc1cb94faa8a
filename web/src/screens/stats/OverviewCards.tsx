// Totals of the range: one card for all platforms together, then one per platform.
import { usePlatforms } from '../../api/platforms';
import type { StatsOverview, StatsTotals } from '../../api/types';
import { PlatformIcon } from '../../components/PlatformIcon';
import { formatCount, formatRate, NOT_AVAILABLE } from './statsFormat';

type Totals = Omit<StatsTotals, 'averageEngagementRate'> & { averageEngagementRate: number | null | 'per_platform' };

/**
 * Sums over platforms. The overall engagement rate is the mean over every target's rate, which the per-platform
 * means cannot give back (their counts of rated targets are not in the answer): it is known only when at most one
 * platform has a rate.
 */
function overall(platforms: StatsOverview['platforms']): Totals {
  const rated = platforms.filter((p) => p.averageEngagementRate !== null);
  const sum = (k: 'postsPublished' | 'views' | 'likes' | 'comments' | 'shares' | 'saves' | 'reach') => platforms.reduce((n, p) => n + p[k], 0);
  const followers = platforms.some((p) => p.followers !== null) ? platforms.reduce((n, p) => n + (p.followers ?? 0), 0) : null;
  return {
    postsPublished: sum('postsPublished'), views: sum('views'), likes: sum('likes'), comments: sum('comments'),
    shares: sum('shares'), saves: sum('saves'), reach: sum('reach'), followers,
    averageEngagementRate: rated.length === 0 ? null : rated.length === 1 ? rated[0]!.averageEngagementRate : 'per_platform',
  };
}

function TotalsCard({ title, icon, totals }: { title: string; icon?: string; totals: Totals }) {
  const rate = totals.averageEngagementRate;
  const metrics: [string, string][] = [
    ['Posts', formatCount(totals.postsPublished)],
    ['Views', formatCount(totals.views)],
    ['Likes', formatCount(totals.likes)],
    ['Comments', formatCount(totals.comments)],
    ['Shares', formatCount(totals.shares)],
    ['Engagement rate', rate === 'per_platform' ? NOT_AVAILABLE : formatRate(rate)],
    ['Followers', formatCount(totals.followers)],
  ];
  return (
    <section className="card stats-card" aria-label={title}>
      <h3 className="row">{icon && <span aria-hidden="true"><PlatformIcon platform={icon} /></span>}{title}</h3>
      <dl>
        {metrics.map(([label, value]) => (
          <div key={label}><dt>{label}</dt><dd>{value}</dd></div>
        ))}
      </dl>
      {rate === 'per_platform' && <p className="muted small">Engagement rate: see each platform.</p>}
    </section>
  );
}

export function OverviewCards({ overview }: { overview: StatsOverview }) {
  const { nameOf } = usePlatforms();
  return (
    <div className="stats-overview" data-testid="stats-overview">
      <TotalsCard title="All platforms" totals={overall(overview.platforms)} />
      {overview.platforms.map((p) => <TotalsCard key={p.platform} title={nameOf(p.platform)} icon={p.platform} totals={p} />)}
    </div>
  );
}
