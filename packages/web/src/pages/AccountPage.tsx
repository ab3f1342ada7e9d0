import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api, ApiError, type SessionEntry } from '../api.ts';
import { ColumnHeads } from '../components/RecordFields.tsx';

/** The user's own account: change the password (ends the other sessions), list and end sessions. */
export function AccountPage({ onSessionEnded }: { onSessionEnded: () => void }) {
  const [sessions, setSessions] = useState<SessionEntry[]>([]);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setSessions((await api.sessions()).sessions);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'cannot load the sessions');
    }
  }, []);
  useEffect(() => void load(), [load]);

  async function change(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setDone(null);
    if (next !== repeat) {
      setError('the two new passwords differ');
      return;
    }
    try {
      await api.changePassword(current, next);
      setCurrent('');
      setNext('');
      setRepeat('');
      setDone('Password changed. Your other sessions were ended.');
      await load();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'cannot change the password');
    }
  }

  async function end(s: SessionEntry) {
    setError(null);
    try {
      const r = await api.endSession(s.id);
      if (r.current) onSessionEnded();
      else await load();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'cannot end the session');
    }
  }

  return (
    <section aria-labelledby="account-h">
      <h1 id="account-h">Your account</h1>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {done && (
        <p className="notice" role="status">
          {done}
        </p>
      )}
      <form className="card" onSubmit={change} aria-labelledby="pw-h">
        <h2 id="pw-h">Change password</h2>
        <div className="grid">
          <div>
            <label htmlFor="pw-current">Current password</label>
            <input id="pw-current" type="password" value={current} onChange={(e) => setCurrent(e.target.value)} required autoComplete="current-password" />
          </div>
          <div>
            <label htmlFor="pw-new">New password (12+ characters, not a common password)</label>
            <input id="pw-new" type="password" value={next} onChange={(e) => setNext(e.target.value)} required minLength={12} maxLength={256} autoComplete="new-password" />
          </div>
          <div>
            <label htmlFor="pw-repeat">New password again</label>
            <input id="pw-repeat" type="password" value={repeat} onChange={(e) => setRepeat(e.target.value)} required minLength={12} maxLength={256} autoComplete="new-password" />
          </div>
        </div>
        <button type="submit">Change password</button>
      </form>
      <div className="table-wrap" tabIndex={0} role="region" aria-label="Sessions">
        <table>
          <caption>Your sessions</caption>
          <ColumnHeads columns={['Logged in', 'Expires', 'Address', 'Browser', <span className="visually-hidden">Action</span>]} />
          <tbody>
            {sessions.map((s) => (
              <tr key={s.id}>
                <td>{s.createdAt.replace('T', ' ').slice(0, 16)}</td>
                <td>{s.expiresAt.replace('T', ' ').slice(0, 16)}</td>
                <td>{s.ip ?? ''}</td>
                <td>{s.userAgent ?? ''}</td>
                <td>
                  <button type="button" className="secondary small" onClick={() => void end(s)}>
                    {s.current ? 'End this session (log out)' : 'End session'}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
