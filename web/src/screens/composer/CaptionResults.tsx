// The generated captions, per platform, each with its length against the platform's limit as the API counted it.
// With one platform chosen a caption becomes the post; with several, the main text or one account's own text.
import { PlatformIcon } from '../../components/PlatformIcon';
import { usePlatforms } from '../../api/platforms';
import type { CaptionGeneration, GeneratedCaption } from '../../api/types';
import { useAccountNames } from './useAccountNames';

const repairNotes: Record<GeneratedCaption['repaired'], string | null> = {
  none: null,
  asked_again: 'rewritten to fit the limits',
  trimmed: 'shortened to fit the limits',
};

export function CaptionResults({ answer, singlePlatform, chosen, onUseAsMain, onUseForAccount }: {
  answer: CaptionGeneration;
  singlePlatform: boolean;
  /** The accounts chosen now (the answer may be older than a change of accounts). */
  chosen: readonly string[];
  onUseAsMain(caption: GeneratedCaption): void;
  onUseForAccount(accountId: string, accountName: string, caption: GeneratedCaption): void;
}) {
  const { nameOf } = usePlatforms();
  const accountName = useAccountNames();
  return (
    <div className="writing-help-results" aria-label="Generated captions" role="region">
      {answer.data.map((group) => (
        <section key={group.platform} className="writing-help-platform" aria-labelledby={`caption-${group.platform}`}>
          <h4 id={`caption-${group.platform}`}><PlatformIcon platform={group.platform} size={18} /> {nameOf(group.platform)}</h4>
          <ol className="writing-help-captions">
            {group.captions.map((caption, k) => {
              const textId = `caption-${group.platform}-${k}`;
              const note = repairNotes[caption.repaired];
              return (
                <li key={k} className="writing-help-caption">
                  <p id={textId} className="writing-help-caption-text">
                    {caption.text}
                    {caption.hashtags.length > 0 && <span className="writing-help-caption-tags"> {caption.hashtags.map((h) => `#${h}`).join(' ')}</span>}
                  </p>
                  <p className="muted writing-help-meta">
                    {caption.length} / {group.limits.maxTextLength} characters with hashtags{note ? ` · ${note}` : ''}
                  </p>
                  <div className="row">
                    {singlePlatform ? (
                      <button type="button" onClick={() => onUseAsMain(caption)} aria-describedby={textId}>Use this</button>
                    ) : (
                      <>
                        <button type="button" onClick={() => onUseAsMain(caption)} aria-describedby={textId}>Use as main text</button>
                        {group.accountIds.filter((a) => chosen.includes(a)).map((accountId) => (
                          <button key={accountId} type="button" onClick={() => onUseForAccount(accountId, accountName(accountId), caption)} aria-describedby={textId}>
                            Use for {accountName(accountId)}
                          </button>
                        ))}
                      </>
                    )}
                  </div>
                </li>
              );
            })}
          </ol>
        </section>
      ))}
    </div>
  );
}
