import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api.ts';
import type { SessionInfo } from '../types.ts';
import { RESEARCH_USE_NOTICE } from '@her2scope/core/notice';

export function Login({ onLogin }: { onLogin: (s: SessionInfo) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onLogin(await api.login(username, password));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'cannot reach the server');
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <header className="topbar">
        <span className="brand">her2scope</span>
        <p className="notice-bar">{RESEARCH_USE_NOTICE}</p>
      </header>
    <main className="login" id="main">
      <h1>her2scope</h1>
      <p className="sub">HER2-centred breast-cancer precision-oncology workbench.</p>
      <form onSubmit={(e) => void submit(e)} aria-describedby={error ? 'login-error' : undefined}>
        <label htmlFor="login-user">User name</label>
        <input id="login-user" name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required />
        <label htmlFor="login-password">Password</label>
        <input id="login-password" name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        {error && (
          <p id="login-error" className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
      </form>
      <p className="notice">{RESEARCH_USE_NOTICE}</p>
    </main>
      <footer className="footer">her2scope — {RESEARCH_USE_NOTICE}</footer>
    </>
  );
}
