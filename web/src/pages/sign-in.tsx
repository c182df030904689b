import { useState, type FormEvent } from 'react';
import { whoami } from '../api/client';
import type { Identity } from '../api/types';

/** Sign-in with an API key: checked with `GET /whoami`, then kept in this tab only. */
export function SignIn({ onSignedIn }: { onSignedIn: (key: string, identity: Identity) => void }) {
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
