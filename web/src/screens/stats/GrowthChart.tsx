// Followers per day of each account over the range (from the insights Herald fetched; days it did not fetch are
// gaps bridged by the line).
import { Line } from 'react-chartjs-2';
import { Link } from 'react-router';
import { usePlatforms } from '../../api/platforms';
import type { StatsGrowth } from '../../api/types';
import { Empty, ErrorState, Loading } from '../../components/States';
import { useApi } from '../../components/useApi';
import { seriesColor } from './chartSetup';
import { ChartDataTable } from './ChartDataTable';
import { rangeDays } from './rangeDays';
import { formatCount, formatLongDay, formatShortDay } from './statsFormat';

export function GrowthChart({ from, to }: { from: string; to: string }) {
  const { data, error, loading, reload } = useApi<StatsGrowth>('/api/social/stats/growth', { from, to });
  const { nameOf } = usePlatforms();
  const headingId = 'stats-growth-heading';

  const content = () => {
    if (loading && !data) return <Loading what="follower growth" />;
    if (error !== undefined) return <ErrorState error={error} retry={reload} />;
    const accounts = (data?.accounts ?? []).filter((a) => a.days.some((d) => d.followers !== null));
    if (accounts.length === 0) {
      return <Empty><p>No follower counts in this range yet. <Link to="/accounts">Sync insights</Link> of an account to fetch them.</p></Empty>;
    }
    const axis = rangeDays(data!.from, data!.to);
    // The table lists only the days some account has a count for.
    const days = [...new Set(accounts.flatMap((a) => a.days.filter((d) => d.followers !== null).map((d) => d.day)))].sort();
    const series = accounts.map((a, i) => {
      const byDay = new Map(a.days.map((d) => [d.day, d.followers]));
      const known = a.days.filter((d) => d.followers !== null);
      return {
        label: `${a.displayName ?? 'Account'} (${nameOf(a.platform)})`,
        values: axis.map((d) => byDay.get(d) ?? null),
        countOn: (day: string) => byDay.get(day) ?? null,
        first: known[0]?.followers ?? null,
        last: known[known.length - 1]?.followers ?? null,
        color: seriesColor(i),
      };
    });
    // Worded without "from"/"to": the range inputs are labelled so, and a label search should find only them.
    const summary = `Followers per account, ${formatLongDay(data!.from)} through ${formatLongDay(data!.to)}: `
      + series.map((s) => `${s.label}, ${formatCount(s.first)} at the start and ${formatCount(s.last)} at the end`).join('; ') + '.';
    return (
      <>
        <div className="chart-box">
          <Line
            role="img" aria-label={summary}
            data={{
              labels: axis.map(formatShortDay),
              datasets: series.map((s) => ({ label: s.label, data: s.values, borderColor: s.color, backgroundColor: s.color, spanGaps: true, tension: 0.2 })),
            }}
            options={{
              maintainAspectRatio: false,
              scales: { y: { ticks: { precision: 0 } } },
              plugins: { legend: { position: 'bottom' } },
            }}
          />
        </div>
        <ChartDataTable
          caption={summary} rowHeader="Day" columns={series.map((s) => s.label)}
          rows={days.map((d) => ({ key: d, header: formatLongDay(d), cells: series.map((s) => formatCount(s.countOn(d))) }))}
        />
      </>
    );
  };

  return (
    <section className="card stats-section" aria-labelledby={headingId}>
      <h2 id={headingId}>Follower growth</h2>
      {content()}
    </section>
  );
}
