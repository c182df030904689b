import { useState, type FormEvent } from 'react';
import { whoami, type Provider } from '../api/client';
import type { Identity } from '../api/types';

/** Off to the provider, coming back to the page asked for. */
function goToProvider(loginUrl: string) {
  const here = window.location.pathname + window.location.search;
  window.location.assign(`${loginUrl}?returnTo=${encodeURIComponent(here)}`);
}

/**
 * Sign-in: "Sign in with <provider>" when the API has one (weft-ops §15),
 * beside an API key, checked with `GET /whoami`, then kept in this tab only.
 */
export function SignIn({ onSignedIn, provider }: { onSignedIn: (key: string, identity: Identity) => void; provider: Provider | null }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await whoami(key.trim());
      if (res.ok) onSignedIn(key.trim(), (await res.json()) as Identity);
      else setError(res.status === 401 ? 'This key is unknown, expired or revoked.' : `The API answered ${res.status}.`);
    } catch {
      setError('The API cannot be reached.');
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="sign-in">
      <form onSubmit={submit} className="card">
        <h1>Weft</h1>
        {provider && (
          <>
            <button type="button" onClick={() => goToProvider(provider.loginUrl)}>
              Sign in with {provider.name}
            </button>
            <p className="muted small">or</p>
          </>
        )}
        <p className="muted">Sign in with an API key. It is kept in this tab only and sent in the Authorization header.</p>
        <label>
          API key
          <input type="password" autoComplete="off" autoFocus value={key} onChange={(e) => setKey(e.target.value)} required />
        </label>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy || key.trim() === ''}>
          Sign in
        </button>
        <p className="muted small">Under <code>npm start</code>, the admin key is in the file it prints.</p>
      </form>
    </main>
  );
}
