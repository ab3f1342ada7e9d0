import { InputError } from '@her2scope/core';

export type DatabaseTarget = { dialect: 'sqlite'; path: string } | { dialect: 'postgres'; connectionString: string };

/**
 * Where the database is: `sqlite:./path.db`, `sqlite::memory:`, `:memory:`, a plain file path, or a
 * `postgres://` / `postgresql://` URL.
 */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  const u = url.trim();
  if (u === '') throw new InputError('db', 'empty database location (give sqlite:./her2scope.db, a file path or postgres://...)');
  if (/^postgres(ql)?:\/\//i.test(u)) return { dialect: 'postgres', connectionString: u };
  if (/^sqlite:/i.test(u)) {
    let path = u.slice('sqlite:'.length);
    if (path.startsWith('//')) path = path.slice(2);
    if (path === '') throw new InputError('db', `'${url}' names no file (sqlite:./her2scope.db or sqlite::memory:)`);
    return { dialect: 'sqlite', path };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(u)) throw new InputError('db', `'${u.split(':')[0]}:' databases are not supported (use sqlite: or postgres://)`);
  return { dialect: 'sqlite', path: u };
}

/** The URL without a password, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:/@]+):[^@]*@/i, '$1:***@');
}
