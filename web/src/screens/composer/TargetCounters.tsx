// Per chosen account: how long its text is and how many hashtags it has, against its platform's limits, as the
// API counted them (platforms count text differently; the browser never does).
import { PlatformIcon } from '../../components/PlatformIcon';
import type { ValidationTarget } from '../../api/types';
import type { DraftTarget } from './draft';
import { useAccountNames } from './useAccountNames';

export function TargetCounters({ targets, counts, checking }: {
  targets: readonly DraftTarget[];
  counts: readonly ValidationTarget[];
  checking: boolean;
}) {
  const nameOf = useAccountNames();
  if (targets.length === 0) return <p className="muted composer-counters-hint">Choose accounts to see their limits.</p>;
  return (
    <ul className="composer-counters" aria-label="Length per account" aria-busy={checking}>
      {targets.map((t) => {
        const count = counts.find((c) => c.accountId === t.accountId);
        const textOver = count ? count.textLength > count.maxTextLength : false;
        const tagsOver = count ? count.hashtagCount > count.maxHashtags : false;
        return (
          <li key={t.accountId} data-testid={`counter-${t.accountId}`} className={textOver || tagsOver ? 'over' : undefined}>
            {count && <PlatformIcon platform={count.platform} size={18} />}
            <span className="composer-counter-name">{nameOf(t.accountId)}</span>
            {count ? (
              <>
                <span className={textOver ? 'composer-count over' : 'composer-count'}>
                  {count.textLength} / {count.maxTextLength}<span className="visually-hidden"> characters</span>
                </span>
                <span className={tagsOver ? 'composer-count over' : 'composer-count'}>
                  # {count.hashtagCount} / {count.maxHashtags}<span className="visually-hidden"> hashtags</span>
                </span>
                {(textOver || tagsOver) && <span className="composer-over-label">over the limit</span>}
              </>
            ) : (
              <span className="muted">counting…</span>
            )}
          </li>
        );
      })}
    </ul>
  );
}
