import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api, ApiError } from '../api.ts';
import { ColumnHeads } from '../components/RecordFields.tsx';
import type { AuditEntry, UserInfo } from '../types.ts';

export function AdminPage({ currentUserId }: { currentUserId: string }) {
  const [users, setUsers] = useState<UserInfo[]>([]);
  const [roles, setRoles] = useState<string[]>([]);
  const [audit, setAudit] = useState<AuditEntry[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [username, setUsername] = useState('');
  const [role, setRole] = useState('viewer');
  const [password, setPassword] = useState('');

  const load = useCallback(async () => {
    try {
      const u = await api.users();
      setUsers(u.users);
      setRoles(u.roles);
      setAudit((await api.audit()).entries);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'cannot load');
    }
  }, []);
  useEffect(() => void load(), [load]);

  async function create(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      await api.createUser({ username, role, password });
      setUsername('');
      setPassword('');
      await load();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'cannot create the account');
    }
  }

  async function toggle(u: UserInfo) {
    try {
      await api.setUserDisabled(u.id, !u.disabled);
      await load();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'cannot change the account');
    }
  }

  return (
    <section aria-labelledby="admin-h">
      <h1 id="admin-h">Accounts and audit log</h1>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="table-wrap" tabIndex={0} role="region" aria-label="Users">
        <table>
          <caption>Accounts</caption>
          <ColumnHeads columns={['User', 'Role', 'Created', 'State']} />
          <tbody>
            {users.map((u) => (
              <tr key={u.id}>
                <th scope="row">{u.username}</th>
                <td>{u.role}</td>
                <td>{u.createdAt.slice(0, 10)}</td>
                <td>
                  {u.disabled ? 'disabled' : 'active'}{' '}
                  {u.id !== currentUserId && (
                    <button type="button" className="secondary small" onClick={() => toggle(u)}>
                      {u.disabled ? `Enable ${u.username}` : `Disable ${u.username}`}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form className="card" onSubmit={create} aria-labelledby="new-user-h">
        <h2 id="new-user-h">New account</h2>
        <div className="grid">
          <div>
            <label htmlFor="nu-name">User name</label>
            <input id="nu-name" value={username} onChange={(e) => setUsername(e.target.value)} required pattern="[A-Za-z0-9._\-]{2,64}" autoComplete="off" />
          </div>
          <div>
            <label htmlFor="nu-role">Role</label>
            <select id="nu-role" value={role} onChange={(e) => setRole(e.target.value)}>
              {roles.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="nu-password">Initial password (12+ characters, not a common password)</label>
            <input id="nu-password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} required minLength={12} autoComplete="new-password" />
          </div>
        </div>
        <button type="submit">Create account</button>
      </form>
      <div className="table-wrap" tabIndex={0} role="region" aria-label="Audit log">
        <table className="compact">
          <caption>Audit log (newest first; ids only, never patient data)</caption>
          <ColumnHeads columns={['#', 'When (UTC)', 'Who', 'Action', 'Record', 'Outcome']} />
          <tbody>
            {audit.map((a) => (
              <tr key={a.seq}>
                <td>{a.seq}</td>
                <td>{a.at.slice(0, 19).replace('T', ' ')}</td>
                <td>{a.username ?? 'system'}</td>
                <td>{a.action}</td>
                <td>
                  {a.entityType ?? ''} <code>{a.entityId ?? ''}</code>
                </td>
                <td>{a.outcome}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
