// How a writing-help request's failure is shown: no language model on this server is said plainly (the rest of the
// composer works without one); a 400's issues about the panel's own inputs are shown at those inputs, the others
// here, named by what they concern.
import { ApiError } from '../../api/client';
import { ErrorState } from '../../components/States';

/** What the request fields the panels do not have an input for are about, for the user. */
const fieldNames: Record<string, string> = {
  content: 'Post text', hashtags: 'Hashtags', media: 'Media', accountIds: 'Accounts', platforms: 'Accounts', platform: 'Platform',
};

function fieldName(field: string): string {
  return fieldNames[field.split('.')[0] ?? ''] ?? field;
}

export function WritingHelpError({ error, shownAtInputs = [] }: {
  error: unknown;
  /** Fields whose issues the panel shows at its own inputs. */
  shownAtInputs?: readonly string[];
}) {
  if (error === undefined) return null;
  if (error instanceof ApiError && error.code === 'ai_not_configured') {
    return (
      <div className="state writing-help-unavailable" role="alert">
        <p>Writing help needs a language model, and none is set up on this server. Everything else in the composer works as usual.</p>
      </div>
    );
  }
  if (error instanceof ApiError && error.status === 400 && error.issues.length > 0) {
    const rest = error.issues.filter((i) => !shownAtInputs.some((f) => i.field === f || i.field.startsWith(`${f}.`)));
    if (rest.length === 0) return null;
    return (
      <ul className="composer-issues" role="alert">
        {rest.map((issue, k) => <li key={k} className="field-error"><strong>{fieldName(issue.field)}:</strong> {issue.message}</li>)}
      </ul>
    );
  }
  return <ErrorState error={error} />;
}
