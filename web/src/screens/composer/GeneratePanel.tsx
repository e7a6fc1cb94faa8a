// Generate: captions for the chosen accounts' platforms (POST /api/social/generate/caption), each within its
// platform's limits as the API counts them, to use as the main text or as one account's own text; and hashtag
// suggestions for the main text. The topic starts as the main text when the panel opens with none.
import { useEffect, useState } from 'react';
import type { CaptionGeneration, GeneratedCaption } from '../../api/types';
import { FieldError } from '../../components/States';
import { CaptionResults } from './CaptionResults';
import type { Draft } from './draft';
import type { DraftUpdates } from './draft-updates';
import { HashtagSuggestionsSection } from './HashtagSuggestionsSection';
import type { TargetPlatform } from './useTargetPlatforms';
import { useWritingHelpRequest } from './useWritingHelpRequest';
import { issueIdFor } from './issue-id';
import { WritingHelpError } from './WritingHelpError';

/** Tones offered; the API takes any short word, these are the common ones. */
const tones = ['friendly', 'professional', 'playful', 'informative', 'enthusiastic', 'casual'];
/** The API's topic limit: a longer main text is cut to it for the prefill. */
const TOPIC_MAX = 2000;

/**
 * A caption as one account's own text: its hashtags the post does not carry already are written into the text (the
 * post's hashtags are appended to every account's text when published).
 */
function withOwnHashtags(caption: GeneratedCaption, postHashtags: readonly string[]): string {
  const carried = new Set(postHashtags.map((h) => h.toLowerCase()));
  const own = caption.hashtags.filter((h) => !carried.has(h.toLowerCase()));
  return own.length > 0 ? `${caption.text} ${own.map((h) => `#${h}`).join(' ')}` : caption.text;
}

interface CaptionRequest {
  topic: string;
  tone: string;
  accountIds: string[];
  variants?: number;
}

export function GeneratePanel({ id, open, draft, platforms, updates }: {
  id: string;
  open: boolean;
  draft: Draft;
  platforms: readonly TargetPlatform[];
  updates: DraftUpdates;
}) {
  const [topic, setTopic] = useState('');
  const [tone, setTone] = useState(tones[0]!);
  const [variants, setVariants] = useState('1');
  const request = useWritingHelpRequest<CaptionRequest, CaptionGeneration>('/api/social/generate/caption');
  const accountIds = draft.targets.map((t) => t.accountId);
  const [notice, setNotice] = useState('');

  useEffect(() => {
    if (open && topic.trim() === '') setTopic([...draft.content.trim()].slice(0, TOPIC_MAX).join(''));
    // Only on opening: a topic the user cleared stays cleared while the panel is open.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open]);

  const generate = () => {
    setNotice('');
    request.run({ topic, tone, accountIds, ...(variants.trim() === '' ? {} : { variants: Number(variants) }) });
  };

  const inputs = { topic: `${id}-topic`, tone: `${id}-tone`, variants: `${id}-variants` };
  const errorId = (field: keyof typeof inputs) => issueIdFor(request.error, field, `${inputs[field]}-error`);

  return (
    <section id={id} className="writing-help-panel" aria-labelledby={`${id}-heading`} hidden={!open}>
      <h3 id={`${id}-heading`}>Generate captions</h3>
      {accountIds.length === 0 && (
        <p className="writing-help-notice" role="status">Choose accounts under <strong>Accounts</strong> first: captions are written for their platforms.</p>
      )}
      <div className="writing-help-fields">
        <div className="writing-help-topic">
          <label htmlFor={inputs.topic}>Topic</label>
          <textarea
            id={inputs.topic} rows={3} value={topic} onChange={(e) => setTopic(e.target.value)}
            aria-invalid={errorId('topic') ? true : undefined} aria-describedby={errorId('topic')}
          />
          <FieldError id={`${inputs.topic}-error`} error={request.error} field="topic" />
        </div>
        <div>
          <label htmlFor={inputs.tone}>Tone</label>
          <select id={inputs.tone} value={tone} onChange={(e) => setTone(e.target.value)} aria-describedby={errorId('tone')}>
            {tones.map((t) => <option key={t} value={t}>{t}</option>)}
          </select>
          <FieldError id={`${inputs.tone}-error`} error={request.error} field="tone" />
        </div>
        <div>
          <label htmlFor={inputs.variants}>Captions per platform</label>
          <input
            id={inputs.variants} type="number" inputMode="numeric" min={1} max={5} value={variants}
            onChange={(e) => setVariants(e.target.value)}
            aria-invalid={errorId('variants') ? true : undefined} aria-describedby={errorId('variants')}
          />
          <FieldError id={`${inputs.variants}-error`} error={request.error} field="variants" />
        </div>
      </div>
      <div className="row writing-help-run">
        <button type="button" className="primary" onClick={generate} disabled={request.running || accountIds.length === 0}>
          {request.running ? 'Writing…' : 'Write captions'}
        </button>
      </div>
      <WritingHelpError error={request.error} shownAtInputs={['topic', 'tone', 'variants']} />
      {request.answer && (
        <CaptionResults
          answer={request.answer} singlePlatform={platforms.length === 1} chosen={accountIds}
          onUseAsMain={(caption) => {
            // One platform: the caption is the post (text and its hashtags); several: its text is the shared start.
            updates.setMainText(caption.text, platforms.length === 1 ? caption.hashtags : undefined);
            setNotice(platforms.length === 1 ? 'The caption and its hashtags are now the post\'s text.' : 'The caption is now the main text.');
          }}
          onUseForAccount={(accountId, accountName, caption) => {
            updates.setTargetText(accountId, withOwnHashtags(caption, draft.hashtags));
            setNotice(`The caption is now the text for ${accountName}.`);
          }}
        />
      )}
      <p className="writing-help-done" role="status">{notice}</p>
      <HashtagSuggestionsSection id={`${id}-hashtags`} content={draft.content} platforms={platforms} onAdd={updates.addHashtags} />
    </section>
  );
}
