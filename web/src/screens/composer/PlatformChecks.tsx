// One platform's analysis: its checks (passed, warning or failed, with the API's message), what the feed shows
// before it cuts the text, and the model's critique with rewrites when a model is configured.
import { usePlatforms } from '../../api/platforms';
import type { PlatformAnalysis } from '../../api/types';
import { PlatformIcon } from '../../components/PlatformIcon';
import { checkRows, type CheckStatus } from './check-rows';

const statusLabel: Record<CheckStatus, { text: string; className: string }> = {
  passed: { text: 'Passed', className: 'badge ok' },
  warning: { text: 'Warning', className: 'badge warn' },
  failed: { text: 'Failed', className: 'badge danger' },
};

export function PlatformChecks({ analysis, onUseRewrite }: { analysis: PlatformAnalysis; onUseRewrite(text: string): void }) {
  const { nameOf } = usePlatforms();
  const headingId = `check-${analysis.platform}`;
  const rows = checkRows(analysis);
  return (
    <section className="writing-help-platform" aria-labelledby={headingId} data-testid={`checks-${analysis.platform}`}>
      <h4 id={headingId}><PlatformIcon platform={analysis.platform} size={18} /> {nameOf(analysis.platform)}</h4>
      <table className="writing-help-checks">
        <caption className="visually-hidden">Checks for {nameOf(analysis.platform)}</caption>
        <thead>
          <tr><th scope="col">Check</th><th scope="col">Result</th><th scope="col">Details</th></tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.name} data-status={row.status}>
              <th scope="row">{row.name}</th>
              <td><span className={statusLabel[row.status].className}>{statusLabel[row.status].text}</span></td>
              <td>
                {row.detail}
                {row.messages.map((m, k) => <p key={k} className={row.status === 'failed' ? 'field-error' : 'writing-help-warning'}>{m}</p>)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted writing-help-meta">
        Emoji: {analysis.emojiCount} ({analysis.emojiDensity} per 100 characters)
      </p>
      {analysis.feedPreview !== null && (
        <figure className="writing-help-preview">
          <figcaption>What the feed shows before "more":</figcaption>
          <blockquote>{analysis.feedPreview}…</blockquote>
        </figure>
      )}
      {analysis.critique && (
        <div className="writing-help-critique">
          <h5>Editor's note</h5>
          <p>{analysis.critique.summary}</p>
          {analysis.critique.rewrites.length > 0 && (
            <ol className="writing-help-captions">
              {analysis.critique.rewrites.map((r, k) => {
                const textId = `${headingId}-rewrite-${k}`;
                return (
                  <li key={k} className="writing-help-caption">
                    <p id={textId} className="writing-help-caption-text">{r.text}</p>
                    <p className="muted writing-help-meta">{r.reason} · {r.length} / {analysis.maxTextLength} characters with hashtags</p>
                    <button type="button" onClick={() => onUseRewrite(r.text)} aria-describedby={textId}>Use this rewrite</button>
                  </li>
                );
              })}
            </ol>
          )}
        </div>
      )}
    </section>
  );
}
