// The settings of one chosen account, folded under its name: its own text instead of the main one, and the options
// its platform takes for a post (from GET /api/social/accounts/:id/target-options, the values the account may use
// now). Opens by itself when the API has something to say about it.
import { useEffect, useState } from 'react';
import { ErrorState, Loading } from '../../components/States';
import { useApi } from '../../components/useApi';
import type { TargetOptions } from '../../api/types';
import type { DraftTarget } from './draft';
import { describedBy, IssueMessages } from './IssueMessages';
import { inputId, slot, type IssueSlots } from './issue-placement';
import { TargetOptionInput } from './TargetOptionInput';
import { useAccountNames } from './useAccountNames';

export function TargetPanel({ target, mainText, onChange, issues }: {
  target: DraftTarget;
  mainText: string;
  onChange(target: DraftTarget): void;
  issues: IssueSlots;
}) {
  const { accountId } = target;
  const nameOf = useAccountNames();
  const options = useApi<TargetOptions>(`/api/social/accounts/${accountId}/target-options`);
  const fields = options.data?.fields ?? [];
  const prefix = slot.target(accountId);
  const hasIssues = [...issues.keys()].some((k) => k === prefix || k.startsWith(`${prefix}:`));
  const [open, setOpen] = useState(hasIssues);

  useEffect(() => { if (hasIssues) setOpen(true); }, [hasIssues]);

  // Options with a default start at it (the user sees, and sends, what the account will get).
  useEffect(() => {
    const missing = fields.filter((f) => f.default !== undefined && !(f.name in target.options));
    if (missing.length === 0) return;
    onChange({ ...target, options: { ...Object.fromEntries(missing.map((f) => [f.name, f.default])), ...target.options } });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [options.data]);

  const setOption = (name: string, value: unknown) => {
    const next = { ...target.options };
    if (value === undefined) delete next[name];
    else next[name] = value;
    onChange({ ...target, options: next });
  };

  const textErrorsId = `${inputId.targetText(accountId)}-errors`;
  const textIssues = issues.get(slot.targetText(accountId));
  const ownText = target.text !== null;
  const known = new Set(fields.map((f) => f.name));
  // Issues about options this account does not list (or before the list loaded) are still shown, in the panel.
  const otherIssues = [
    ...(issues.get(prefix) ?? []),
    ...[...issues.entries()].filter(([k]) => k.startsWith(`${prefix}:option:`) && !known.has(k.slice(`${prefix}:option:`.length))).flatMap(([, v]) => v),
  ];

  return (
    <details className="composer-target card" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary id={inputId.panel(accountId)}>Settings for {nameOf(accountId)}{hasIssues && <span className="field-error"> (needs attention)</span>}</summary>
      <div className="stack">
        <IssueMessages id={`${inputId.panel(accountId)}-errors`} issues={otherIssues} />
        <label className="composer-check" htmlFor={ownText ? `${inputId.targetText(accountId)}-main` : inputId.targetText(accountId)}>
          <input
            type="checkbox" id={ownText ? `${inputId.targetText(accountId)}-main` : inputId.targetText(accountId)}
            checked={!ownText}
            onChange={(e) => onChange({ ...target, text: e.target.checked ? null : mainText })}
            aria-describedby={ownText ? undefined : describedBy(textErrorsId, textIssues)}
          />
          Use the main text
        </label>
        {ownText && (
          <>
            <label htmlFor={inputId.targetText(accountId)}>Text for {nameOf(accountId)}</label>
            <textarea
              id={inputId.targetText(accountId)} rows={4} value={target.text ?? ''}
              onChange={(e) => onChange({ ...target, text: e.target.value })}
              aria-invalid={textIssues ? true : undefined}
              aria-describedby={describedBy(textErrorsId, textIssues)}
            />
          </>
        )}
        <IssueMessages id={textErrorsId} issues={textIssues} />
        {options.loading && !options.data && <Loading what="this account's options" />}
        {options.error !== undefined && <ErrorState error={options.error} retry={options.reload} />}
        {options.data && fields.length === 0 && <p className="muted">This account takes no options.</p>}
        {fields.map((field) => (
          <TargetOptionInput
            key={field.name} id={inputId.targetOption(accountId, field.name)} field={field}
            value={target.options[field.name]} onChange={(v) => setOption(field.name, v)}
            issues={issues.get(slot.targetOption(accountId, field.name))}
          />
        ))}
      </div>
    </details>
  );
}
