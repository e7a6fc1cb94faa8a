// Engagement rate per day of the range (days in the user's time zone, as the API counts them).
import { Line } from 'react-chartjs-2';
import type { StatsEngagement } from '../../api/types';
import { Empty, ErrorState, Loading } from '../../components/States';
import { useApi } from '../../components/useApi';
import { seriesColor } from './chartSetup';
import { ChartDataTable } from './ChartDataTable';
import { rangeDays } from './rangeDays';
import { formatCount, formatLongDay, formatRate, formatShortDay } from './statsFormat';

export function EngagementChart({ from, to }: { from: string; to: string }) {
  const { data, error, loading, reload } = useApi<StatsEngagement>('/api/social/stats/engagement', { from, to });
  const headingId = 'stats-engagement-heading';

  const content = () => {
    if (loading && !data) return <Loading what="engagement" />;
    if (error !== undefined) return <ErrorState error={error} retry={reload} />;
    const days = data?.days ?? [];
    if (days.length === 0) return <Empty><p>No post was published in this range.</p></Empty>;
    if (days.every((d) => d.engagementRate === null)) {
      return <Empty><p>The posts of this range have no views yet, so no engagement rate. Sync insights from Accounts.</p></Empty>;
    }
    const rated = days.filter((d) => d.engagementRate !== null);
    const best = rated.reduce((a, b) => ((b.engagementRate ?? 0) > (a.engagementRate ?? 0) ? b : a));
    // Worded without "from"/"to": the range inputs are labelled so, and a label search should find only them.
    const summary = `Engagement rate per day, ${formatLongDay(data!.from)} through ${formatLongDay(data!.to)} (days in ${data!.timezone}): `
      + `${rated.length} ${rated.length === 1 ? 'day' : 'days'} with a rate, highest ${formatRate(best.engagementRate)} on ${formatLongDay(best.day)}.`;
    const color = seriesColor(0);
    const axis = rangeDays(data!.from, data!.to);
    const rateByDay = new Map(days.map((d) => [d.day, d.engagementRate]));
    return (
      <>
        <div className="chart-box">
          <Line
            role="img" aria-label={summary}
            data={{
              labels: axis.map(formatShortDay),
              datasets: [{ label: 'Engagement rate (%)', data: axis.map((d) => rateByDay.get(d) ?? null), borderColor: color, backgroundColor: color, spanGaps: true, tension: 0.2 }],
            }}
            options={{
              maintainAspectRatio: false,
              scales: { y: { beginAtZero: true, ticks: { callback: (v) => `${v} %` } } },
              plugins: { legend: { display: false }, tooltip: { callbacks: { label: (c) => formatRate(c.parsed.y) } } },
            }}
          />
        </div>
        <ChartDataTable
          caption={summary} rowHeader="Day" columns={['Posts published', 'Views', 'Interactions', 'Engagement rate']}
          rows={days.map((d) => ({
            key: d.day, header: formatLongDay(d.day),
            cells: [formatCount(d.postsPublished), formatCount(d.views), formatCount(d.interactions), formatRate(d.engagementRate)],
          }))}
        />
      </>
    );
  };

  return (
    <section className="card stats-section" aria-labelledby={headingId}>
      <h2 id={headingId}>Engagement rate</h2>
      {content()}
    </section>
  );
}
