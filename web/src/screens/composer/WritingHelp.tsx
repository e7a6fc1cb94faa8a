// Writing help in the composer: Generate (captions and hashtags), Check (the API's checks and a critique) and Best
// times (when the chosen accounts do best). Each opens on demand under its button; the panels stay mounted while
// closed so what they found is still there when reopened.
import { useState, type Dispatch, type SetStateAction } from 'react';
import { BestTimesPanel } from './BestTimesPanel';
import { CheckPanel } from './CheckPanel';
import type { Draft } from './draft';
import { draftUpdates } from './draft-updates';
import { GeneratePanel } from './GeneratePanel';
import { useTargetPlatforms } from './useTargetPlatforms';

type Panel = 'generate' | 'check' | 'times';

const toggles: { panel: Panel; label: string; testId: string }[] = [
  { panel: 'generate', label: 'Generate', testId: 'generate-open' },
  { panel: 'check', label: 'Check', testId: 'check-open' },
  { panel: 'times', label: 'Best times', testId: 'best-times-open' },
];

export function WritingHelp({ draft, setDraft }: { draft: Draft; setDraft: Dispatch<SetStateAction<Draft>> }) {
  const [open, setOpen] = useState<Record<Panel, boolean>>({ generate: false, check: false, times: false });
  const platforms = useTargetPlatforms(draft.targets);
  const updates = draftUpdates(setDraft);
  const panelId = (panel: Panel) => `writing-help-${panel}`;

  return (
    <section className="composer-section writing-help" aria-labelledby="writing-help-heading">
      <h2 id="writing-help-heading">Writing help</h2>
      <div className="row writing-help-toggles">
        {toggles.map(({ panel, label, testId }) => (
          <button
            key={panel} type="button" data-testid={testId} aria-expanded={open[panel]} aria-controls={panelId(panel)}
            onClick={() => setOpen((o) => ({ ...o, [panel]: !o[panel] }))}
          >
            {label}
          </button>
        ))}
      </div>
      <GeneratePanel id={panelId('generate')} open={open.generate} draft={draft} platforms={platforms} updates={updates} />
      <CheckPanel id={panelId('check')} open={open.check} draft={draft} platforms={platforms} updates={updates} />
      <BestTimesPanel id={panelId('times')} open={open.times} accountIds={draft.targets.map((t) => t.accountId)} updates={updates} />
    </section>
  );
}
