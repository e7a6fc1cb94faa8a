// The main text of the post, with the live per-account counters under it.
import type { ValidationTarget } from '../../api/types';
import type { DraftTarget } from './draft';
import { describedBy, IssueMessages } from './IssueMessages';
import { inputId, slot, type IssueSlots } from './issue-placement';
import { TargetCounters } from './TargetCounters';

export function TextSection({ content, onChange, targets, counts, checking, issues }: {
  content: string;
  onChange(content: string): void;
  targets: readonly DraftTarget[];
  counts: readonly ValidationTarget[];
  checking: boolean;
  issues: IssueSlots;
}) {
  const errorsId = `${inputId.content}-errors`;
  const placed = issues.get(slot.content);
  return (
    <section className="composer-section" aria-labelledby="composer-text-heading">
      <h2 id="composer-text-heading">Text</h2>
      <label htmlFor={inputId.content}>Post text</label>
      <textarea
        id={inputId.content} data-testid="composer-text" rows={7} value={content}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={placed ? true : undefined}
        aria-describedby={describedBy(errorsId, placed)}
      />
      <IssueMessages id={errorsId} issues={placed} />
      <TargetCounters targets={targets} counts={counts} checking={checking} />
    </section>
  );
}
