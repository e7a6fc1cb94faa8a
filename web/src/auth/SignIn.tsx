import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/client';
import { useSession } from './session';

/** The API key is sent once, to POST /api/session, and forgotten: the browser keeps only an HttpOnly cookie. */
export function SignIn() {
  const { signIn } = useSession();
  const [apiKey, setApiKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(apiKey.trim());
      setApiKey('');
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Herald could not be reached');
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="sign-in">
      <form onSubmit={submit} className="card" aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Sign in to Herald</h1>
        <p className="muted">Paste an API key of yours. It is exchanged for a browser session and not stored here.</p>
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key" name="apiKey" type="password" autoComplete="off" required value={apiKey}
          onChange={(e) => setApiKey(e.target.value)} aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'api-key-error' : undefined}
        />
        {error && <p id="api-key-error" role="alert" className="field-error">{error}</p>}
        <button type="submit" className="primary" disabled={busy || apiKey.trim() === ''}>{busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
    </main>
  );
}
