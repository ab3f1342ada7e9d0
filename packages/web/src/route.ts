/** Hash routes: `#/` patients, `#/patients/<id>`, `#/cohorts`, `#/admin`, `#/account`. Pure (tested). */
export type Route = { page: 'patients' } | { page: 'patient'; id: string } | { page: 'admin' } | { page: 'account' } | { page: 'cohorts' };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '');
  const m = /^\/patients\/([0-9a-fA-F-]{36})$/.exec(path);
  if (m) return { page: 'patient', id: m[1]!.toLowerCase() };
  if (path === '/admin') return { page: 'admin' };
  if (path === '/account') return { page: 'account' };
  if (path === '/cohorts') return { page: 'cohorts' };
  return { page: 'patients' };
}

export function href(route: Route): string {
  switch (route.page) {
    case 'patient':
      return `#/patients/${route.id}`;
    case 'admin':
      return '#/admin';
    case 'account':
      return '#/account';
    case 'cohorts':
      return '#/cohorts';
    default:
      return '#/';
  }
}
