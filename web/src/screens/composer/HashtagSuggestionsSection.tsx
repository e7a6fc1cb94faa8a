// Hashtags for the main text on one of the chosen platforms (POST /api/social/generate/hashtags): the user's own
// that performed well there first, then the model's. The ticked ones are added to the post's hashtag chips.
import { useEffect, useState } from 'react';
import { usePlatforms } from '../../api/platforms';
import type { HashtagSuggestion, HashtagSuggestions } from '../../api/types';
import { FieldError } from '../../components/States';
import type { TargetPlatform } from './useTargetPlatforms';
import { useWritingHelpRequest } from './useWritingHelpRequest';
import { issueIdFor } from './issue-id';
import { WritingHelpError } from './WritingHelpError';

function noteFor(s: HashtagSuggestion): string {
  if (s.source === 'history') {
    return s.engagementRate !== null ? `performed well for you (${s.engagementRate.toFixed(1)}% engagement)` : 'performed well for you';
  }
  return s.kind === 'broad' ? 'broad, popular' : s.kind === 'specific' ? 'specific to the text' : 'suggested';
}

export function HashtagSuggestionsSection({ id, content, platforms, onAdd }: {
  id: string;
  content: string;
  platforms: readonly TargetPlatform[];
  onAdd(tags: string[]): void;
}) {
  const { nameOf } = usePlatforms();
  const [chosenPlatform, setChosenPlatform] = useState('');
  const platform = platforms.some((p) => p.platform === chosenPlatform) ? chosenPlatform : platforms[0]?.platform ?? '';
  const request = useWritingHelpRequest<{ content: string; platform: string }, HashtagSuggestions>('/api/social/generate/hashtags');
  const [ticked, setTicked] = useState<Set<string>>(new Set());
  const [added, setAdded] = useState('');

  // A new answer starts with all its tags ticked.
  useEffect(() => { setTicked(new Set(request.answer?.hashtags.map((h) => h.tag) ?? [])); }, [request.answer]);

  const platformSelect = `${id}-platform`;
  const platformError = issueIdFor(request.error, 'platform', `${platformSelect}-error`);

  return (
    <section className="writing-help-hashtags" aria-labelledby={`${id}-heading`}>
      <h4 id={`${id}-heading`}>Hashtags for the main text</h4>
      {platforms.length > 1 && (
        <div>
          <label htmlFor={platformSelect}>For platform</label>
          <select id={platformSelect} value={platform} onChange={(e) => setChosenPlatform(e.target.value)} aria-describedby={platformError}>
            {platforms.map((p) => <option key={p.platform} value={p.platform}>{nameOf(p.platform)}</option>)}
          </select>
          <FieldError id={`${platformSelect}-error`} error={request.error} field="platform" />
        </div>
      )}
      <div className="row writing-help-run">
        <button
          type="button" disabled={request.running || platform === ''}
          onClick={() => { setAdded(''); request.run({ content, platform }); }}
        >
          {request.running ? 'Suggesting…' : platforms.length === 1 ? `Suggest hashtags for ${nameOf(platform)}` : 'Suggest hashtags'}
        </button>
      </div>
      <WritingHelpError error={request.error} shownAtInputs={platforms.length > 1 ? ['platform'] : []} />
      {request.answer && request.answer.hashtags.length === 0 && <p className="muted">No hashtags to suggest for this text.</p>}
      {request.answer && request.answer.hashtags.length > 0 && (
        <fieldset className="writing-help-tag-choice">
          <legend>Suggested for {nameOf(request.answer.platform)} (at most {request.answer.maxHashtags} there)</legend>
          <ul>
            {request.answer.hashtags.map((s) => {
              const boxId = `${id}-tag-${s.tag}`;
              return (
                <li key={s.tag}>
                  <label className="composer-check" htmlFor={boxId}>
                    <input
                      type="checkbox" id={boxId} checked={ticked.has(s.tag)}
                      onChange={(e) => setTicked((t) => {
                        const next = new Set(t);
                        if (e.target.checked) next.add(s.tag); else next.delete(s.tag);
                        return next;
                      })}
                    />
                    #{s.tag}
                    <span className={s.source === 'history' ? 'writing-help-tag-history' : 'writing-help-tag-note'}>{noteFor(s)}</span>
                  </label>
                </li>
              );
            })}
          </ul>
          <button
            type="button" disabled={ticked.size === 0}
            onClick={() => {
              const tags = request.answer!.hashtags.map((h) => h.tag).filter((t) => ticked.has(t));
              onAdd(tags);
              setAdded(`Added ${tags.map((t) => `#${t}`).join(' ')} to the post's hashtags.`);
            }}
          >
            Add chosen hashtags
          </button>
        </fieldset>
      )}
      <p className="writing-help-done" role="status">{added}</p>
    </section>
  );
}
