// A new publish time as wall-clock time in a zone (the schedule route's localTime + timezone), so the user picks
// "9:30 in Tokyo" and the API resolves it, DST rules included.
import { useId, useMemo, useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import type { Post } from '../../api/types';
import { FieldError } from '../../components/States';
import { ActionError } from './ActionError';
import { toLocalInputValue } from './formatTime';
import { useAction } from './useAction';

function zoneNames(including: string): string[] {
  const zones = Intl.supportedValuesOf('timeZone');
  return zones.includes(including) ? zones : [including, ...zones];
}

export function RescheduleForm({ post, onDone, onClose }: { post: Post; onDone(post: Post): void; onClose(): void }) {
  const id = useId();
  const [timezone, setTimezone] = useState(post.timezone);
  const [localTime, setLocalTime] = useState(post.scheduledAt ? toLocalInputValue(post.scheduledAt, post.timezone) : '');
  const zones = useMemo(() => zoneNames(post.timezone), [post.timezone]);
  const action = useAction();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const updated = await action.run(() => api<Post>(`/api/social/posts/${post.id}/schedule`, {
      method: 'POST', body: { localTime, timezone },
    }));
    if (updated) onDone(updated);
  };

  return (
    <form className="reschedule card" onSubmit={(e) => void submit(e)} aria-label="Schedule">
      <div className="row">
        <div>
          <label htmlFor={`${id}-time`}>New time</label>
          <input
            id={`${id}-time`} type="datetime-local" required value={localTime} onChange={(e) => setLocalTime(e.target.value)}
            aria-describedby={`${id}-time-error`}
          />
          <FieldError id={`${id}-time-error`} error={action.error} field="localTime" />
        </div>
        <div>
          <label htmlFor={`${id}-zone`}>Timezone</label>
          <select id={`${id}-zone`} value={timezone} onChange={(e) => setTimezone(e.target.value)} aria-describedby={`${id}-zone-error`}>
            {zones.map((z) => <option key={z} value={z}>{z}</option>)}
          </select>
          <FieldError id={`${id}-zone-error`} error={action.error} field="timezone" />
        </div>
      </div>
      <ActionError error={action.error} skipFields={['localTime', 'timezone']} />
      <div className="row">
        <button type="submit" className="primary" disabled={action.busy}>{action.busy ? 'Scheduling…' : 'Save new time'}</button>
        <button type="button" onClick={onClose}>Close</button>
      </div>
    </form>
  );
}
