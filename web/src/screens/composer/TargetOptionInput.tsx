// One per-account option, rendered from its description in GET /api/social/accounts/:id/target-options: a list of
// values becomes a select, a yes/no a checkbox, free text an input. Nothing here knows which platform it is for.
import type { TargetOptionField } from '../../api/types';
import { describedBy, IssueMessages } from './IssueMessages';
import type { PlacedIssue } from './issue-placement';

export function TargetOptionInput({ id, field, value, onChange, issues }: {
  id: string;
  field: TargetOptionField;
  value: unknown;
  onChange(value: unknown): void;
  issues: readonly PlacedIssue[] | undefined;
}) {
  const errorsId = `${id}-errors`;
  const hintId = field.description ? `${id}-hint` : undefined;
  const common = {
    id,
    'aria-invalid': issues && issues.length > 0 ? true : undefined,
    'aria-describedby': describedBy(errorsId, issues, hintId),
  };
  const label = (
    <>
      {field.label}
      {field.required && <span className="composer-required"> (required)</span>}
    </>
  );

  if (field.kind === 'boolean') {
    return (
      <div className="composer-option">
        <label className="composer-check" htmlFor={id}>
          <input type="checkbox" {...common} checked={value === true} onChange={(e) => onChange(e.target.checked)} />
          {label}
        </label>
        {hintId && <p id={hintId} className="muted composer-hint">{field.description}</p>}
        <IssueMessages id={errorsId} issues={issues} />
      </div>
    );
  }

  return (
    <div className="composer-option">
      <label htmlFor={id}>{label}</label>
      {hintId && <p id={hintId} className="muted composer-hint">{field.description}</p>}
      {field.kind === 'enum' ? (
        // Values keep their JSON type: the select's own values are their positions in the list.
        <select
          {...common} required={field.required}
          value={String((field.values ?? []).findIndex((v) => Object.is(v.value, value) || JSON.stringify(v.value) === JSON.stringify(value)))}
          onChange={(e) => onChange(e.target.value === '-1' ? undefined : field.values?.[Number(e.target.value)]?.value)}
        >
          <option value="-1">{field.required ? 'Choose…' : 'Not set'}</option>
          {(field.values ?? []).map((v, k) => <option key={k} value={String(k)}>{v.label}</option>)}
        </select>
      ) : (
        <input
          {...common} type="text" required={field.required}
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
        />
      )}
      <IssueMessages id={errorsId} issues={issues} />
    </div>
  );
}
