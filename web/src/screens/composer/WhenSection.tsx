// When the post goes out, if it is scheduled: a wall-clock date and time in a chosen IANA zone (the API resolves it,
// including daylight-saving changes). When the chosen time happens twice in that zone, the API says so and the
// user picks which occurrence (`fold`).
import { useMemo } from 'react';
import type { DraftWhen, Fold } from './draft';
import { describedBy, IssueMessages } from './IssueMessages';
import { inputId, slot, type IssueSlots } from './issue-placement';

function timeZones(current: string): string[] {
  const zones = Intl.supportedValuesOf('timeZone');
  return [...new Set([current, 'UTC', ...zones])].sort((a, b) => a.localeCompare(b));
}

export function WhenSection({ when, onChange, askFold, issues }: {
  when: DraftWhen;
  onChange(when: DraftWhen): void;
  /** The API answered that the time occurs twice (rule ambiguous_local_time). */
  askFold: boolean;
  issues: IssueSlots;
}) {
  const zones = useMemo(() => timeZones(when.timezone), [when.timezone]);
  const localIssues = issues.get(slot.whenLocal);
  const zoneIssues = issues.get(slot.whenTimezone);
  const foldIssues = issues.get(slot.whenFold);
  const localErrors = `${inputId.whenLocal}-errors`;
  const zoneErrors = `${inputId.whenTimezone}-errors`;
  const setFold = (fold: Fold) => onChange({ ...when, fold });

  return (
    <fieldset className="composer-section composer-when">
      <legend><h2>When</h2></legend>
      <p className="muted composer-hint" id="composer-when-hint">
        Choose a time to <strong>Schedule</strong>; <strong>Publish now</strong> and <strong>Save draft</strong> do not use it.
      </p>
      <div className="composer-when-fields">
        <div>
          <label htmlFor={inputId.whenLocal}>Date and time</label>
          <input
            id={inputId.whenLocal} data-testid="when-local" type="datetime-local" value={when.localTime}
            // A new time or zone may not be ambiguous any more: the occurrence is chosen again if needed.
            onChange={(e) => onChange({ ...when, localTime: e.target.value, fold: null })}
            aria-invalid={localIssues ? true : undefined}
            aria-describedby={describedBy(localErrors, localIssues, 'composer-when-hint')}
          />
          <IssueMessages id={localErrors} issues={localIssues} />
        </div>
        <div>
          <label htmlFor={inputId.whenTimezone}>Time zone</label>
          <select
            id={inputId.whenTimezone} data-testid="when-timezone" value={when.timezone}
            onChange={(e) => onChange({ ...when, timezone: e.target.value, fold: null })}
            aria-invalid={zoneIssues ? true : undefined}
            aria-describedby={describedBy(zoneErrors, zoneIssues)}
          >
            {zones.map((z) => <option key={z} value={z}>{z.replace(/_/g, ' ')}</option>)}
          </select>
          <IssueMessages id={zoneErrors} issues={zoneIssues} />
        </div>
      </div>
      {(askFold || when.fold !== null) && (
        <fieldset className="composer-fold">
          <legend>This time occurs twice in {when.timezone} (the clocks go back). Which one?</legend>
          <label className="composer-check" htmlFor={inputId.whenFold}>
            <input type="radio" id={inputId.whenFold} name="composer-fold" checked={when.fold === 'earlier'} onChange={() => setFold('earlier')} />
            The first one (before the clocks go back)
          </label>
          <label className="composer-check" htmlFor={`${inputId.whenFold}-later`}>
            <input type="radio" id={`${inputId.whenFold}-later`} name="composer-fold" checked={when.fold === 'later'} onChange={() => setFold('later')} />
            The second one (after the clocks go back)
          </label>
          <IssueMessages id={`${inputId.whenFold}-errors`} issues={foldIssues} />
        </fieldset>
      )}
    </fieldset>
  );
}
