// A target's publish steps in order: what was tried, when, and how it ended — with the platform's code and message
// and how Herald classified the outcome (ok, error, ambiguous: unknown whether it happened, reconciled: settled later;
// started and pending for the steps around the commit: preparing, uploading, the platform's processing).
import type { Attempt } from '../../api/types';
import { formatInZone } from './formatTime';

const OUTCOME_TONE: Record<string, string> = { ok: 'ok', reconciled: 'ok', error: 'danger', ambiguous: 'warn' };

/** What Herald's classification means, for the outcomes that are not self-explanatory. */
const OUTCOME_MEANING: Record<string, string> = {
  intent: 'about to call the platform',
  ambiguous: 'no clear answer: unknown whether the platform applied it',
  reconciled: 'settled afterwards by asking the platform',
  pending: 'the platform is still working on it',
};

export function AttemptTimeline({ attempts, timeZone }: { attempts: Attempt[]; timeZone: string }) {
  if (attempts.length === 0) return <p className="muted">No publish step has run yet.</p>;
  return (
    <ol className="timeline">
      {attempts.map((a, i) => (
        <li key={i}>
          <span className="timeline-step">{a.step}</span>{' '}
          <span className={`badge ${OUTCOME_TONE[a.outcome] ?? 'neutral'}`}>{a.outcome}</span>{' '}
          <time dateTime={a.at} className="muted">{formatInZone(a.at, timeZone)}</time>
          {OUTCOME_MEANING[a.outcome] && <span className="muted timeline-meaning"> · {OUTCOME_MEANING[a.outcome]}</span>}
          {(a.code || a.message) && (
            <p className="timeline-detail">
              {a.code && <code>{a.code}</code>}{a.code && a.message ? ': ' : ''}{a.message}
            </p>
          )}
        </li>
      ))}
    </ol>
  );
}
