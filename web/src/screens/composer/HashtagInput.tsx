// Hashtags typed separated by spaces or commas become removable chips; what is still being typed counts already
// (it is sent with the draft), and becomes a chip at the next space, comma, Enter or on leaving the input.
import type { KeyboardEvent } from 'react';
import { parseHashtags } from './draft';
import { describedBy, IssueMessages } from './IssueMessages';
import { inputId, slot, type IssueSlots } from './issue-placement';

export function HashtagInput({ hashtags, pending, onChange, issues }: {
  hashtags: readonly string[];
  pending: string;
  onChange(hashtags: string[], pending: string): void;
  issues: IssueSlots;
}) {
  const errorsId = `${inputId.hashtags}-errors`;
  const placed = issues.get(slot.hashtags);

  const commit = (text: string, keepTail: boolean) => {
    // The last word stays in the input while it may still be typed (no separator after it yet).
    const endsWithSeparator = /[\s,]$/.test(text);
    const words = parseHashtags(text);
    const tail = keepTail && !endsWithSeparator ? words.pop() ?? '' : '';
    const next = [...hashtags];
    for (const w of words) if (!next.includes(w)) next.push(w);
    onChange(next, tail);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      commit(pending, false);
    } else if (e.key === 'Backspace' && pending === '' && hashtags.length > 0) {
      onChange(hashtags.slice(0, -1), '');
    }
  };

  return (
    <section className="composer-section" aria-labelledby="composer-hashtags-heading">
      <h2 id="composer-hashtags-heading">Hashtags</h2>
      <label htmlFor={inputId.hashtags}>Add hashtags</label>
      <p id={`${inputId.hashtags}-hint`} className="muted composer-hint">Separate them with spaces or commas; the # is optional.</p>
      {hashtags.length > 0 && (
        <ul className="composer-chips" aria-label="Hashtags of the post">
          {hashtags.map((tag) => (
            <li key={tag} className="composer-chip">
              <span>#{tag}</span>
              <button type="button" aria-label={`Remove hashtag ${tag}`} onClick={() => onChange(hashtags.filter((h) => h !== tag), pending)}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <input
        id={inputId.hashtags} type="text" value={pending} autoComplete="off"
        onChange={(e) => (/[\s,]/.test(e.target.value) ? commit(e.target.value, true) : onChange([...hashtags], e.target.value))}
        onKeyDown={onKeyDown}
        onBlur={() => { if (pending.trim()) commit(pending, false); }}
        aria-invalid={placed ? true : undefined}
        aria-describedby={describedBy(errorsId, placed, `${inputId.hashtags}-hint`)}
      />
      <IssueMessages id={errorsId} issues={placed} />
    </section>
  );
}
