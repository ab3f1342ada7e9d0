import { parseFlags, type Command, type Io } from '../command.ts';
import { UsageError } from '../errors.ts';

const help = `Usage:
  her2scope audit verify [--db URL]

Check the audit log of 'her2scope serve' for tampering. Every line carries the SHA-256 of the line before it, so an
edited line, a deleted line or a line inserted around the server breaks the chain. Prints the number of lines and
the last hash (keep it elsewhere: deleting the newest lines leaves a shorter chain that still verifies), or the
first line that is not as written.

Exit status: 0 intact, 1 tampered, 2 usage or database error.

Options:
  --db URL     database (default sqlite:./her2scope.db; also postgres://...)
  -h, --help   show this help`;

export const auditCommand: Command = {
  name: 'audit',
  summary: 'verify the hash chain of the audit log (finds the first edited or deleted line)',
  help,
  async run(args: string[], io: Io): Promise<number> {
    const { values, positionals } = parseFlags('audit', args, { db: { type: 'string' } }, true);
    if (values.help) {
      io.stdout(help + '\n');
      return 0;
    }
    if (positionals.length !== 1 || positionals[0] !== 'verify') throw new UsageError(`give the subcommand verify (see 'her2scope audit --help')`);
    const { openDatabase } = await import('@her2scope/storage');
    const { ClinicalStore } = await import('@her2scope/storage/clinical');
    const storage = await openDatabase(values.db ?? 'sqlite:./her2scope.db', { cwd: io.cwd });
    try {
      const r = await new ClinicalStore(storage.db).verifyAudit();
      if (r.ok) {
        io.stdout(`audit log intact: ${r.rows} lines; last hash ${r.lastHash}\n`);
        return 0;
      }
      io.stdout(`audit log TAMPERED: ${r.message} (checked ${r.rows} lines)\n`);
      return 1;
    } finally {
      await storage.close();
    }
  },
};
