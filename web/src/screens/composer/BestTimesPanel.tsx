// Best times: for each chosen account, the weekday × hour heatmap of its engagement, its best slots and its next
// free slot (POST /api/social/suggest/times, per account, in the user's zone). Picking one schedules the post at
// its next occurrence in the answer's zone: the When section shows it and can still change it.
import { useEffect, useState } from 'react';
import { usePlatforms } from '../../api/platforms';
import type { TimeCell, TimeSuggestions } from '../../api/types';
import { BestTimesGrid } from './BestTimesGrid';
import { wallClockIn } from './draft';
import type { DraftUpdates } from './draft-updates';
import { useAccountNames } from './useAccountNames';
import { useWritingHelpRequest } from './useWritingHelpRequest';
import { describeWallClock, nextOccurrence, slotName } from './week-time';
import { WritingHelpError } from './WritingHelpError';

interface TimesRequest {
  accountIds: string[];
  groupBy: 'account';
  limit: number;
}

const TOP_SLOTS = 5;

export function BestTimesPanel({ id, open, accountIds, updates }: {
  id: string;
  open: boolean;
  accountIds: readonly string[];
  updates: DraftUpdates;
}) {
  const { nameOf } = usePlatforms();
  const accountName = useAccountNames();
  const request = useWritingHelpRequest<TimesRequest, TimeSuggestions>('/api/social/suggest/times');
  const [shownAccount, setShownAccount] = useState('');
  const [picked, setPicked] = useState('');
  const key = accountIds.join(',');

  // Asked when the panel opens and again when the chosen accounts change while it is open.
  useEffect(() => {
    if (open && accountIds.length > 0) request.run({ accountIds: [...accountIds], groupBy: 'account', limit: TOP_SLOTS });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, key]);

  const answer = request.answer;
  const groups = answer?.groups ?? [];
  const group = groups.find((g) => g.accountId === shownAccount) ?? groups[0];
  const schedule = (localTime: string) => {
    if (!answer) return;
    updates.setWhen(localTime, answer.timezone);
    setPicked(`Scheduled for ${describeWallClock(localTime)} (${answer.timezone.replace(/_/g, ' ')}) in When.`);
  };
  const pick = (cell: Pick<TimeCell, 'weekday' | 'hour'>) => answer && schedule(nextOccurrence(cell.weekday, cell.hour, answer.timezone));
  const selectId = `${id}-account`;

  return (
    <section id={id} className="writing-help-panel" aria-labelledby={`${id}-heading`} hidden={!open} aria-busy={request.running}>
      <h3 id={`${id}-heading`}>Best times</h3>
      {accountIds.length === 0 && (
        <p className="writing-help-notice" role="status">Choose accounts under <strong>Accounts</strong> to see when their posts do best.</p>
      )}
      {request.running && !answer && <p className="state loading" role="status">Loading the best times…</p>}
      <WritingHelpError error={request.error} />
      {answer && group && (
        <div className="stack">
          {groups.length > 1 && (
            <div>
              <label htmlFor={selectId}>Account</label>
              <select id={selectId} value={group.accountId ?? ''} onChange={(e) => setShownAccount(e.target.value)}>
                {groups.map((g) => <option key={g.accountId ?? g.platform} value={g.accountId ?? ''}>{g.accountId ? accountName(g.accountId) : nameOf(g.platform)}</option>)}
              </select>
            </div>
          )}
          <p className="writing-help-meta">
            {group.source === 'history'
              ? `Ranked from ${group.postsAnalysed} published posts of the last ${answer.weeks} weeks${group.meanEngagementRate !== null ? ` (${group.meanEngagementRate.toFixed(1)}% engagement on average)` : ''}.`
              : `Not enough published posts yet to rank this account's hours (${group.postsAnalysed} of ${answer.minPosts} needed): the top times are based on typical hours for ${nameOf(group.platform)}.`}
            {' '}Times are in {answer.timezone.replace(/_/g, ' ')}.
          </p>
          <BestTimesGrid grid={group.grid} timezone={answer.timezone} best={new Set(group.slots.map((s) => `${s.weekday}-${s.hour}`))} onPick={pick} />
          <div>
            <h4 id={`${id}-top`}>Top times</h4>
            <ol className="best-times-top" aria-labelledby={`${id}-top`}>
              {group.slots.map((s) => (
                <li key={`${s.weekday}-${s.hour}`}>
                  <button type="button" onClick={() => pick(s)}>{slotName(s.weekday, s.hour)}</button>
                  <span className="muted">
                    {s.engagementRate !== null ? `${s.engagementRate.toFixed(1)}% engagement · ` : ''}
                    {s.source === 'history' ? `from your posts · confidence ${Math.round(s.confidence * 100)}%` : 'based on typical hours'}
                  </span>
                </li>
              ))}
            </ol>
          </div>
          {group.nextFreeSlot ? (
            <p className="row">
              <span>Next free slot: <strong>{describeWallClock(wallClockIn(group.nextFreeSlot, answer.timezone))}</strong></span>
              <button type="button" onClick={() => schedule(wallClockIn(group.nextFreeSlot!, answer.timezone))}>Use next free slot</button>
            </p>
          ) : (
            <p className="muted">No free top slot in the next four weeks.</p>
          )}
        </div>
      )}
      <p className="writing-help-done" role="status">{picked}</p>
    </section>
  );
}
