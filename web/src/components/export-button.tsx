import { useState } from 'react';
import { useSession } from '../auth/session';

/** "Export CSV": downloads `/export/{dataset}` with the page's filters (weft-ops §14). */
export function ExportButton({ dataset, filters = {} }: { dataset: 'runs' | 'costs' | 'audit' | 'node-executions'; filters?: Record<string, string | undefined> }) {
  const { client } = useSession();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const query = new URLSearchParams({ format: 'csv', ...Object.fromEntries(Object.entries(filters).filter((e): e is [string, string] => Boolean(e[1]))) });
  const run = () => {
    setBusy(true);
    setError(null);
    client
      .download(`/export/${dataset}?${query}`)
      .catch((err: unknown) => setError(String(err)))
      .finally(() => setBusy(false));
  };
  return (
    <>
      <button type="button" onClick={run} disabled={busy} data-export={dataset}>
        Export CSV
      </button>
      {error && (
        <span role="alert" className="error">
          {error}
        </span>
      )}
    </>
  );
}
