// The published targets with the highest engagement rate in the range, each linking to its post.
import { Link } from 'react-router';
import { usePlatforms } from '../../api/platforms';
import type { Account, StatsBestPosts } from '../../api/types';
import { Empty, ErrorState, Loading } from '../../components/States';
import { PlatformIcon } from '../../components/PlatformIcon';
import { useApi } from '../../components/useApi';
import { formatCount, formatRate } from './statsFormat';

const publishedFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function BestPostsTable({ from, to }: { from: string; to: string }) {
  const { data, error, loading, reload } = useApi<StatsBestPosts>('/api/social/stats/best-posts', { from, to, limit: 10 });
  // Names of the accounts (the ranking gives ids); without them the table still stands, with the platform only.
  const accounts = useApi<{ data: Account[] }>('/api/social/accounts');
  const { nameOf } = usePlatforms();
  const headingId = 'stats-best-heading';

  const accountName = (id: string) => {
    const a = accounts.data?.data.find((x) => x.id === id);
    return a ? (a.displayName ?? a.platformAccountId) : null;
  };

  const content = () => {
    if (loading && !data) return <Loading what="best posts" />;
    if (error !== undefined) return <ErrorState error={error} retry={reload} />;
    const rows = data?.data ?? [];
    if (rows.length === 0) return <Empty><p>No post was published in this range.</p></Empty>;
    return (
      // Scrolls sideways on a phone: focusable so a keyboard can scroll it.
      <div className="table-scroll" role="region" aria-label="Best posts table" tabIndex={0}>
        <table className="best-posts">
          <thead>
            <tr>
              <th scope="col">Rank</th>
              <th scope="col">Post</th>
              <th scope="col">Account</th>
              <th scope="col" className="num">Views</th>
              <th scope="col" className="num">Likes</th>
              <th scope="col" className="num">Comments</th>
              <th scope="col" className="num">Shares</th>
              <th scope="col" className="num">Engagement rate</th>
              <th scope="col">On the platform</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => {
              const platformName = nameOf(r.platform);
              const account = accountName(r.accountId);
              const published = r.publishedAt ? publishedFormat.format(new Date(r.publishedAt)) : 'Not published';
              return (
                <tr key={r.targetId}>
                  <td>{i + 1}</td>
                  <td><Link to={`/posts/${r.postId}`}>Post of {published}</Link></td>
                  <td>
                    <span className="row nowrap"><PlatformIcon platform={r.platform} size={18} />{account ?? platformName}</span>
                  </td>
                  <td className="num">{formatCount(r.views)}</td>
                  <td className="num">{formatCount(r.likes)}</td>
                  <td className="num">{formatCount(r.comments)}</td>
                  <td className="num">{formatCount(r.shares)}</td>
                  <td className="num">{formatRate(r.engagementRate)}</td>
                  <td>
                    {r.permalink
                      ? <a href={r.permalink} target="_blank" rel="noreferrer">Open<span className="visually-hidden"> the post of {published} on {platformName}</span></a>
                      : '—'}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    );
  };

  return (
    <section className="card stats-section" aria-labelledby={headingId}>
      <h2 id={headingId}>Best posts</h2>
      {content()}
    </section>
  );
}
