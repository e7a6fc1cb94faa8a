// The signed-in user's time zone, shown in the top bar and changed in a <dialog> (PATCH /api/me): calendars, stats
// days, best times and schedules given without a zone follow it; posts already scheduled keep their own zone.
import { useEffect, useId, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { useSession } from '../auth/session';
import { ApiError } from '../api/client';
import { ErrorState, FieldError } from '../components/States';

function timeZones(current: string): string[] {
  return [...new Set([current, 'UTC', ...Intl.supportedValuesOf('timeZone')])].sort((a, b) => a.localeCompare(b));
}

export function TimeZoneSetting() {
  const { user } = useSession();
  const [open, setOpen] = useState(false);
  if (!user) return null;
  return (
    <>
      <button type="button" className="link-button" onClick={() => setOpen(true)} aria-label={`Time zone: ${user.timezone}. Change`}>
        {user.timezone}
      </button>
      {/* Out of the top bar, whose dark theme would otherwise reach the dialog's controls. */}
      {open && createPortal(<TimeZoneDialog current={user.timezone} onClose={() => setOpen(false)} />, document.body)}
    </>
  );
}

function TimeZoneDialog({ current, onClose }: { current: string; onClose(): void }) {
  const { updateUser } = useSession();
  const ref = useRef<HTMLDialogElement>(null);
  const [zone, setZone] = useState(current);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const titleId = useId();
  const selectId = useId();
  const errorId = useId();

  useEffect(() => {
    const dialog = ref.current;
    // No close() on cleanup: React's development double effect would close it at once (its close event reaching
    // onClose), and an unmounted dialog leaves the top layer with its element anyway.
    if (dialog && !dialog.open) dialog.showModal();
  }, []);

  async function save() {
    setBusy(true);
    setError(undefined);
    try {
      await updateUser({ timezone: zone });
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <dialog ref={ref} className="dialog" aria-labelledby={titleId} onClose={onClose}>
      <form method="dialog" onSubmit={(e) => { e.preventDefault(); void save(); }}>
        <h2 id={titleId}>Your time zone</h2>
        <p>Calendars, stats days, best times and schedules given without a zone use it. Posts already scheduled keep their own zone.</p>
        <label htmlFor={selectId}>Time zone</label>
        <select id={selectId} value={zone} onChange={(e) => setZone(e.target.value)} aria-describedby={errorId} data-testid="user-timezone">
          {timeZones(current).map((z) => <option key={z} value={z}>{z}</option>)}
        </select>
        <FieldError id={errorId} error={error} field="timezone" />
        {error !== undefined && !(error instanceof ApiError && error.issueFor('timezone')) && <ErrorState error={error} />}
        <div className="row dialog-actions">
          <button type="button" onClick={onClose} disabled={busy}>Cancel</button>
          <button type="submit" className="primary" disabled={busy || zone === current}>{busy ? 'Saving…' : 'Save'}</button>
        </div>
      </form>
    </dialog>
  );
}
