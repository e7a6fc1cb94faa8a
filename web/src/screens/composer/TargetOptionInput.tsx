// One per-account option, rendered from its description in GET /api/social/accounts/:id/target-options: a list of
// values becomes a select, a yes/no a checkbox, a number a number input, a list of texts a textarea (one per line),
// free text an input. Nothing here knows which platform it is for.
import type { TargetOptionField } from '../../api/types';
import { describedBy, IssueMessages } from './IssueMessages';
import type { PlacedIssue } from './issue-placement';

const postKinds = { text: 'text posts', image: 'image posts', video: 'video posts' } as const;

/** "Only for video posts", from the option's appliesTo. */
function appliesToText(field: TargetOptionField): string | undefined {
  if (!field.appliesTo || field.appliesTo.length === 0) return undefined;
  return `Only for ${field.appliesTo.map((k) => postKinds[k]).join(' and ')}.`;
}

export function TargetOptionInput({ id, field, value, onChange, issues }: {
  id: string;
  field: TargetOptionField;
  value: unknown;
  onChange(value: unknown): void;
  issues: readonly PlacedIssue[] | undefined;
}) {
  const errorsId = `${id}-errors`;
  const sentence = (text: string | undefined) => (text && !/[.!?]$/.test(text) ? `${text}.` : text);
  const hint = [sentence(field.description), appliesToText(field), field.kind === 'text_list' ? 'One per line.' : undefined].filter(Boolean).join(' ');
  const hintId = hint ? `${id}-hint` : undefined;
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
  const hintText = hintId && <p id={hintId} className="muted composer-hint">{hint}</p>;

  if (field.kind === 'boolean') {
    return (
      <div className="composer-option">
        <label className="composer-check" htmlFor={id}>
          <input type="checkbox" {...common} checked={value === true} onChange={(e) => onChange(e.target.checked)} />
          {label}
        </label>
        {hintText}
        <IssueMessages id={errorsId} issues={issues} />
      </div>
    );
  }

  let input;
  if (field.kind === 'enum') {
    const values = field.values ?? [];
    input = (
      <select {...common} required={field.required} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.target.value || undefined)}>
        <option value="">{field.required ? 'Choose…' : 'Not set'}</option>
        {/* A value the account may no longer use (an older post) stays visible, so it can be changed knowingly. */}
        {typeof value === 'string' && value !== '' && !values.some((v) => v.value === value) && <option value={value}>{value} (no longer offered)</option>}
        {values.map((v) => <option key={v.value} value={v.value}>{v.label}</option>)}
      </select>
    );
  } else if (field.kind === 'number') {
    input = (
      <input
        {...common} type="number" required={field.required} value={typeof value === 'number' ? String(value) : ''}
        onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
      />
    );
  } else if (field.kind === 'text_list') {
    const lines = Array.isArray(value) ? value.map(String) : [];
    input = (
      <textarea
        {...common} rows={3} required={field.required} value={lines.join('\n')}
        // Lines are kept as typed (even empty ones while typing); empty ones are dropped when the list is sent.
        onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value.split('\n'))}
      />
    );
  } else {
    input = (
      <input
        {...common} type="text" required={field.required} value={typeof value === 'string' ? value : ''}
        onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
      />
    );
  }

  return (
    <div className="composer-option">
      <label htmlFor={id}>{label}</label>
      {hintText}
      {input}
      <IssueMessages id={errorsId} issues={issues} />
    </div>
  );
}
