// An action's refusal, next to the control that asked: the API's message and any detail it gave.
import { ApiError } from '../../api/client';

export function ActionError({ error, id, skipFields = [] }: { error: unknown; id?: string; skipFields?: string[] }) {
  if (error === undefined) return null;
  if (!(error instanceof ApiError)) {
    return <p id={id} className="field-error" role="alert">{error instanceof Error ? error.message : String(error)}</p>;
  }
  const details = error.issues.filter((i) => !skipFields.includes(i.field) && i.message !== error.message);
  return (
    <div id={id} className="field-error" role="alert">
      <p>{error.message}</p>
      {details.length > 0 && <ul>{details.map((i, n) => <li key={n}>{i.message}</li>)}</ul>}
    </div>
  );
}
