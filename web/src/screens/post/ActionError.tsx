// An action's refusal, next to the control that asked: the API's message and any detail it gave.
import { ApiError } from '../../api/client';

export function ActionError({ error, id, skipFields = [] }: { error: unknown; id?: string; skipFields?: string[] }) {
  if (error === undefined) return null;
  if (!(error instanceof ApiError)) {
    return <p id={id} className="field-error" role="alert">{error instanceof Error ? error.message : String(error)}</p>;
  }
  const shownBesideFields = error.issues.filter((i) => skipFields.some((f) => i.field === f || i.field.startsWith(`${f}.`)));
  // Every issue already sits next to its field: repeating the summary would say it twice.
  if (error.issues.length > 0 && shownBesideFields.length === error.issues.length) return null;
  const details = error.issues.filter((i) => !shownBesideFields.includes(i) && i.message !== error.message);
  return (
    <div id={id} className="field-error" role="alert">
      <p>{error.message}</p>
      {details.length > 0 && <ul>{details.map((i, n) => <li key={n}>{i.message}</li>)}</ul>}
    </div>
  );
}
