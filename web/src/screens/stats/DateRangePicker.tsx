// The range the Stats screen covers: two day inputs and the 7/30/90-day presets. The API checks the range (order,
// length, years); its 400 is shown next to the input it names.
import { useId } from 'react';
import { ApiError } from '../../api/client';
import { FieldError } from '../../components/States';
import { PRESET_DAYS, type DateRange } from './useDateRange';

/** The error's id for an input, only while the API names that field (a reference must point at something). */
function describedBy(error: unknown, field: string, id: string): string | undefined {
  return error instanceof ApiError && error.issueFor(field) ? id : undefined;
}

export function DateRangePicker({ range, error }: { range: DateRange; error: unknown }) {
  const fromId = useId();
  const toId = useId();
  const fromErrorId = `${fromId}-error`;
  const toErrorId = `${toId}-error`;
  return (
    <fieldset className="date-range">
      <legend>Date range</legend>
      <div className="date-range-fields">
        <div>
          <label htmlFor={fromId}>From</label>
          <input
            id={fromId} type="date" value={range.from} required
            onChange={(e) => { if (e.target.value) range.setFrom(e.target.value); }}
            aria-describedby={describedBy(error, 'from', fromErrorId)}
          />
          <FieldError id={fromErrorId} error={error} field="from" />
        </div>
        <div>
          <label htmlFor={toId}>To</label>
          <input
            id={toId} type="date" value={range.to} required
            onChange={(e) => { if (e.target.value) range.setTo(e.target.value); }}
            aria-describedby={describedBy(error, 'to', toErrorId)}
          />
          <FieldError id={toErrorId} error={error} field="to" />
        </div>
        <div className="date-range-presets" role="group" aria-label="Presets">
          {PRESET_DAYS.map((days) => (
            <button key={days} type="button" aria-pressed={range.preset === days} onClick={() => range.applyPreset(days)}>
              Last {days} days
            </button>
          ))}
        </div>
      </div>
    </fieldset>
  );
}
