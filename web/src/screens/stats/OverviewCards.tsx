// Totals of the range: one card for all platforms together, then one per platform.
import { usePlatforms } from '../../api/platforms';
import type { StatsOverview, StatsTotals } from '../../api/types';
import { PlatformIcon } from '../../components/PlatformIcon';
import { formatCount, formatRate } from './statsFormat';

function TotalsCard({ title, icon, totals }: { title: string; icon?: string; totals: StatsTotals }) {
  const rate = totals.averageEngagementRate;
  const metrics: [string, string][] = [
    ['Posts', formatCount(totals.postsPublished)],
    ['Views', formatCount(totals.views)],
    ['Likes', formatCount(totals.likes)],
    ['Comments', formatCount(totals.comments)],
    ['Shares', formatCount(totals.shares)],
    ['Engagement rate', formatRate(rate)],
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
    </section>
  );
}

export function OverviewCards({ overview }: { overview: StatsOverview }) {
  const { nameOf } = usePlatforms();
  return (
    <div className="stats-overview" data-testid="stats-overview">
      <TotalsCard title="All platforms" totals={overview.totals} />
      {overview.platforms.map((p) => <TotalsCard key={p.platform} title={nameOf(p.platform)} icon={p.platform} totals={p} />)}
    </div>
  );
}
