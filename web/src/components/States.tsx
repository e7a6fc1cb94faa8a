// The three states every screen has besides its content: loading, failed (with a way to retry), and empty.
import type { ReactNode } from 'react';
import { ApiError } from '../api/client';

export function Loading({ what }: { what: string }) {
  return <p className="state loading" role="status" aria-live="polite">Loading {what}…</p>;
}

export function ErrorState({ error, retry }: { error: unknown; retry?: () => void }) {
  const message = error instanceof ApiError ? `${error.message} (${error.code})` : error instanceof Error ? error.message : String(error);
  return (
    <div className="state error" role="alert">
      <p>{message}</p>
      {retry && <button type="button" onClick={retry}>Try again</button>}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="state empty">{children}</div>;
}

/** The API's message for a field (from a 400's details), shown under the input with the matching id. */
export function FieldError({ id, error, field }: { id: string; error: unknown; field: string }) {
  if (!(error instanceof ApiError)) return null;
  const issue = error.issueFor(field);
  if (!issue) return null;
  return <p id={id} className="field-error" role="alert">{issue.message}</p>;
}
