import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, setCsrfToken } from './api.ts';
import { Login } from './pages/Login.tsx';
import { PatientList } from './pages/PatientList.tsx';
import { PatientPage } from './pages/PatientPage.tsx';
import { AdminPage } from './pages/AdminPage.tsx';
import { AccountPage } from './pages/AccountPage.tsx';
import { CohortPage } from './pages/CohortPage.tsx';
import { href, parseRoute, type Route } from './route.ts';
import type { SessionInfo } from './types.ts';

import { RESEARCH_USE_NOTICE as NOTICE } from '@her2scope/core/notice';

export function App() {
  const [session, setSession] = useState<SessionInfo | null | undefined>(undefined);
  const [route, setRoute] = useState<Route>(() => parseRoute(window.location.hash));

  useEffect(() => {
    const onHash = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  // Focus moves to the new page's heading on navigation (screen readers announce it); the title follows.
  useEffect(() => {
    if (!session) return;
    const timer = setTimeout(() => {
      const h = document.querySelector<HTMLHeadingElement>('main h1');
      if (!h) return; // a page still loading focuses its own heading when it is ready
      if (!h.hasAttribute('tabindex')) h.setAttribute('tabindex', '-1');
      if (!h.contains(document.activeElement)) h.focus();
      if (route.page !== 'patient') document.title = `${h.textContent ?? ''} — her2scope`;
    }, 0);
    return () => clearTimeout(timer);
  }, [route, session]);

  useEffect(() => {
    api
      .session()
      .then((s) => {
        setCsrfToken(s.csrfToken);
        setSession(s);
      })
      .catch((e) => {
        if (e instanceof ApiError && e.status === 401) setSession(null);
        else setSession(null);
      });
  }, []);

  const onLogin = useCallback((s: SessionInfo) => {
    setCsrfToken(s.csrfToken);
    setSession(s);
  }, []);

  const onLogout = useCallback(async () => {
    try {
      await api.logout();
    } finally {
      setCsrfToken(null);
      setSession(null);
      window.location.hash = '#/';
    }
  }, []);

  if (session === undefined) return <p className="loading" role="status">Loading…</p>;
  if (session === null) return <Login onLogin={onLogin} />;
  const can = (p: string) => session.user.permissions.includes(p as never);

  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <a className="brand" href={href({ page: 'patients' })}>
          her2scope
        </a>
        <nav aria-label="Main">
          <a href={href({ page: 'patients' })} aria-current={route.page === 'patients' || route.page === 'patient' ? 'page' : undefined}>
            Patients
          </a>
          <a href={href({ page: 'cohorts' })} aria-current={route.page === 'cohorts' ? 'page' : undefined}>
            Cohorts
          </a>
          {can('admin') && (
            <a href={href({ page: 'admin' })} aria-current={route.page === 'admin' ? 'page' : undefined}>
              Accounts &amp; audit
            </a>
          )}
          <a href={href({ page: 'account' })} aria-current={route.page === 'account' ? 'page' : undefined}>
            Account
          </a>
        </nav>
        <span className="who">
          {session.user.username} <span className="role">({session.user.role})</span>
        </span>
        <button type="button" className="secondary" onClick={() => void onLogout()}>
          Log out
        </button>
        <p className="notice-bar">{NOTICE}</p>
      </header>
      <main id="main" tabIndex={-1}>
        {route.page === 'patients' && <PatientList can={can} />}
        {route.page === 'patient' && <PatientPage key={route.id} id={route.id} can={can} />}
        {route.page === 'cohorts' && <CohortPage isAdmin={can('admin')} />}
        {route.page === 'account' && <AccountPage onSessionEnded={() => setSession(null)} />}
        {route.page === 'admin' && (can('admin') ? <AdminPage currentUserId={session.user.id} /> : <p role="alert">Only administrators can see this page.</p>)}
      </main>
      <footer className="footer">her2scope — {NOTICE} Example patients are synthetic.</footer>
    </>
  );
}
