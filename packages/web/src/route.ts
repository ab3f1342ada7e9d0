/** Hash routes: `#/` patients, `#/patients/<id>`, `#/admin`. Pure (tested). */
export type Route = { page: 'patients' } | { page: 'patient'; id: string } | { page: 'admin' };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '');
  const m = /^\/patients\/([0-9a-fA-F-]{36})$/.exec(path);
  if (m) return { page: 'patient', id: m[1]!.toLowerCase() };
  if (path === '/admin') return { page: 'admin' };
  return { page: 'patients' };
}

export function href(route: Route): string {
  switch (route.page) {
    case 'patient':
      return `#/patients/${route.id}`;
    case 'admin':
      return '#/admin';
    default:
      return '#/';
  }
}
