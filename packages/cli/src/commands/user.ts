import type * as Server from '@her2scope/server';
import { parseFlags, type Command, type Io } from '../command.ts';
import { UsageError } from '../errors.ts';

type ServerModule = Pick<typeof Server, 'generatePassword' | 'passwordProblem'>;

const ROLE_LIST = 'admin, pathologist, molecular, oncologist, viewer';

const help = `Usage:
  her2scope user add <name> --role admin|pathologist|molecular|oncologist|viewer [--password-stdin] [--db URL]
  her2scope user list [--db URL]
  her2scope user passwd <name> [--password-stdin] [--db URL]

Manage the accounts of 'her2scope serve'. Create the first admin with 'her2scope user add NAME --role admin'.
'user passwd' sets a new password for an account and ends all its sessions (users change their own password in
the web app: Account).

Roles: admin (everything, accounts, audit log), pathologist (enter and sign pathology), molecular (upload
sequencing / cytometry files), oncologist (treatments, review, comments), viewer (read only).

Options:
  --role R           the account's role: ${ROLE_LIST}
  --password-stdin   read the password from standard input (first line; 12-256 characters, not a common or
                     breached password). Without it a random password is generated and printed once.
  --db URL           database (default sqlite:./her2scope.db; also postgres://...)
  -h, --help         show this help`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The password from standard input (checked against the policy) or a generated one. */
async function choosePassword(fromStdin: boolean, name: string, server: ServerModule): Promise<{ password: string; generated: boolean }> {
  if (!fromStdin) return { password: server.generatePassword(), generated: true };
  const password = (await readStdin()).split(/\r?\n/)[0] ?? '';
  const problem = server.passwordProblem(password, name);
  if (problem) throw new UsageError(`--password-stdin: the password ${problem}`);
  return { password, generated: false };
}

export const userCommand: Command = {
  name: 'user',
  summary: 'create and list accounts of the web app (roles: admin, pathologist, molecular, oncologist, viewer)',
  help,
  async run(args: string[], io: Io): Promise<number> {
    const { values, positionals } = parseFlags('user', args, { role: { type: 'string' }, 'password-stdin': { type: 'boolean' }, db: { type: 'string' } }, true);
    if (values.help) {
      io.stdout(help + '\n');
      return 0;
    }
    const [sub, ...rest] = positionals;
    if (sub !== 'add' && sub !== 'list' && sub !== 'passwd') throw new UsageError(`give a subcommand: add, list or passwd (see 'her2scope user --help')`);
    const server = await import('@her2scope/server');
    if (sub === 'list') {
      if (rest.length) throw new UsageError(`'user list' takes no names`);
      const { openDatabase } = await import('@her2scope/storage');
      const { ClinicalStore } = await import('@her2scope/storage/clinical');
      const storage = await openDatabase(values.db ?? 'sqlite:./her2scope.db', { cwd: io.cwd });
      try {
        const users = await new ClinicalStore(storage.db).listUsers();
        if (users.length === 0) io.stdout('no accounts\n');
        for (const u of users) io.stdout(`${u.username}\t${u.role}\t${u.disabled ? 'disabled' : 'active'}\t${u.createdAt}\n`);
      } finally {
        await storage.close();
      }
      return 0;
    }
    if (rest.length !== 1) throw new UsageError(`give exactly one user name (see 'her2scope user --help')`);
    const name = rest[0]!;
    if (sub === 'passwd') {
      if (values.role !== undefined) throw new UsageError(`'user passwd' takes no --role`);
      const { password, generated } = await choosePassword(values['password-stdin'] === true, name, server);
      const { openDatabase } = await import('@her2scope/storage');
      const { ClinicalStore } = await import('@her2scope/storage/clinical');
      const storage = await openDatabase(values.db ?? 'sqlite:./her2scope.db', { cwd: io.cwd });
      try {
        const store = new ClinicalStore(storage.db);
        const user = await store.findUserForLogin(name);
        if (!user) throw new UsageError(`no user '${name}' in ${storage.location}`);
        await store.setPassword(user.id, await server.hashPassword(password), { userId: null, username: 'her2scope user passwd', ip: null });
      } finally {
        await storage.close();
      }
      io.stdout(`new password set for '${name}'; its sessions were ended\n`);
      if (generated) io.stdout(`password: ${password}  (shown once; pass --password-stdin to choose one)\n`);
      return 0;
    }
    if (!/^[A-Za-z0-9._-]{2,64}$/.test(name)) throw new UsageError(`user name '${name}': use 2-64 letters, digits, '.', '_' or '-'`);
    if (values.role === undefined) throw new UsageError(`--role is required: one of ${ROLE_LIST}`);
    if (!(server.ROLES as readonly string[]).includes(values.role)) throw new UsageError(`--role: '${values.role}' is not one of ${ROLE_LIST}`);
    const { password, generated } = await choosePassword(values['password-stdin'] === true, name, server);
    const { openDatabase } = await import('@her2scope/storage');
    const { ClinicalStore, isUniqueViolation } = await import('@her2scope/storage/clinical');
    const storage = await openDatabase(values.db ?? 'sqlite:./her2scope.db', { cwd: io.cwd });
    try {
      const store = new ClinicalStore(storage.db);
      await store.createUser({ username: name, role: values.role as (typeof server.ROLES)[number], passwordHash: await server.hashPassword(password) }, { userId: null, username: 'her2scope user add', ip: null });
    } catch (e) {
      if (isUniqueViolation(e)) throw new UsageError(`user '${name}' already exists`);
      throw e;
    } finally {
      await storage.close();
    }
    io.stdout(`created ${values.role} account '${name}' in ${storage.location}\n`);
    if (generated) io.stdout(`password: ${password}  (shown once; pass --password-stdin to choose one)\n`);
    return 0;
  },
};
