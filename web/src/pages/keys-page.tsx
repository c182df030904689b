import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useApi } from '../api/queries';
import type { CreatedKey, KeyInfo, Role } from '../api/types';
import { useSession } from '../auth/session';
import { when } from '../format';

/** `/admin/keys` (admin): create a key (shown this once), list, revoke. */
export default function KeysPage() {
  const { client } = useSession();
  const keys = useApi<{ items: KeyInfo[] }>('/keys');
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [created, setCreated] = useState<CreatedKey | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['/keys'] });
  const create = useMutation({ mutationFn: () => client.send<CreatedKey>('POST', '/keys', { name, role }), onSuccess: (k) => (setCreated(k), setName(''), refresh()) });
  const revoke = useMutation({ mutationFn: (id: string) => client.send('DELETE', `/keys/${id}`), onSuccess: refresh });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <section>
      <div className="page-head">
        <h1>API keys</h1>
      </div>
      <form className="filters" onSubmit={submit}>
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} required />
        </label>
        <label>
          Role
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            <option>viewer</option>
            <option>operator</option>
            <option>admin</option>
          </select>
        </label>
        <button type="submit" disabled={!name.trim()}>
          Create key
        </button>
      </form>
      {created && (
        <div className="new-key" role="status">
          Key <strong>{created.name}</strong> ({created.role}), shown this once: <code>{created.key}</code>
          <button type="button" className="ghost" onClick={() => setCreated(null)}>
            Done
          </button>
        </div>
      )}
      {(create.error || revoke.error) && <p role="alert" className="error">{String(create.error ?? revoke.error)}</p>}
      <table className="grid" aria-label="API keys">
        <thead>
          <tr>
            <th>Name</th>
            <th>Role</th>
            <th>Prefix</th>
            <th>Created</th>
            <th>Last used</th>
            <th>State</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {keys.data?.items.map((k) => (
            <tr key={k.id}>
              <td>{k.name}</td>
              <td>{k.role}</td>
              <td>
                <code>{k.prefix ?? '—'}</code>
              </td>
              <td>{when(k.createdAt)}</td>
              <td>{when(k.lastUsedAt)}</td>
              <td>{k.revokedAt ? `revoked ${when(k.revokedAt)}` : k.expiresAt ? `expires ${when(k.expiresAt)}` : 'active'}</td>
              <td>
                {!k.revokedAt && (
                  <button type="button" className="danger" onClick={() => revoke.mutate(k.id)}>
                    Revoke {k.name}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
