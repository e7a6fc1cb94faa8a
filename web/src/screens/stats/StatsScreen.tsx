// Stats: the range picker, then the range's totals, engagement rate per day, follower growth and best posts.
// The overview request doubles as the range's check: while the API refuses the range (400 naming `from` or `to`),
// the error shows at the input and the other sections wait for a valid one instead of repeating it.
import { ApiError } from '../../api/client';
import type { StatsOverview } from '../../api/types';
import { Empty, ErrorState, Loading } from '../../components/States';
import { useApi } from '../../components/useApi';
import './chartSetup';
import { BestPostsTable } from './BestPostsTable';
import { DateRangePicker } from './DateRangePicker';
import { EngagementChart } from './EngagementChart';
import { GrowthChart } from './GrowthChart';
import { OverviewCards } from './OverviewCards';
import { useDateRange } from './useDateRange';

function isRangeError(error: unknown): boolean {
  return error instanceof ApiError && error.status === 400 && (error.issueFor('from') !== undefined || error.issueFor('to') !== undefined);
}

export function StatsScreen() {
  const range = useDateRange();
  const { from, to } = range;
  const overview = useApi<StatsOverview>('/api/social/stats/overview', { from, to });
  const rangeInvalid = isRangeError(overview.error);

  const overviewContent = () => {
    if (overview.loading && !overview.data) return <Loading what="totals" />;
    if (overview.error !== undefined) return <ErrorState error={overview.error} retry={overview.reload} />;
    if (!overview.data || overview.data.platforms.length === 0) {
      return <Empty><p>No account has stats for this range yet.</p></Empty>;
    }
    return <OverviewCards overview={overview.data} />;
  };

  return (
    <div className="stats-screen stack">
      <h1>Stats</h1>
      <DateRangePicker range={range} error={overview.error} />
      {rangeInvalid
        ? <p className="state">Choose a valid date range to see the stats.</p>
        : (
          <>
            <section className="stats-section" aria-labelledby="stats-overview-heading">
              <h2 id="stats-overview-heading">Overview</h2>
              {overviewContent()}
            </section>
            <div className="stats-charts">
              <EngagementChart from={from} to={to} />
              <GrowthChart from={from} to={to} />
            </div>
            <BestPostsTable from={from} to={to} />
          </>
        )}
    </div>
  );
}
