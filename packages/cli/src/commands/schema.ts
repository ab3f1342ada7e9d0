import { analysisJsonSchema } from '@her2scope/core';
import { parseFlags, type Command, type Io } from '../command.ts';
import { UsageError } from '../errors.ts';
import { RESEARCH_USE } from '../notice.ts';

/** The schemas this command prints, by name. */
const SCHEMAS: Record<string, { what: string; json: () => Record<string, unknown> }> = {
  analysis: { what: "the analysis result: what 'her2scope analyze --json' prints and the API's analysis result", json: analysisJsonSchema },
};

const help = `Usage:
  her2scope schema analysis

Print the JSON Schema (draft 2020-12) of a her2scope output contract, generated from the zod schema the program
itself validates against (packages/core/src/analysis/schema.ts). Schemas:
${Object.entries(SCHEMAS).map(([name, s]) => `  ${name.padEnd(10)} ${s.what}`).join('\n')}

Ids in the analysis: findings '<sample>:variant:<chrom>:<pos>:<ref>:<alt>', HER2 results '<sample>:her2',
cytometry results '<sample>:cytometry', options 'option:<drugs>'; every option's 'basis' lists the ids it rests on.

Options:
  -h, --help        show this help
${RESEARCH_USE}`;

export const schemaCommand: Command = {
  name: 'schema',
  summary: 'print the JSON Schema of an output contract (analysis)',
  help,
  run(args: string[], io: Io): Promise<number> {
    const { values, positionals } = parseFlags('schema', args, {}, true);
    if (values.help) {
      io.stdout(help + '\n');
      return Promise.resolve(0);
    }
    if (positionals.length !== 1) throw new UsageError(`give one schema name: ${Object.keys(SCHEMAS).join(', ')} (see 'her2scope schema --help')`);
    const name = positionals[0] ?? '';
    const schema = Object.hasOwn(SCHEMAS, name) ? SCHEMAS[name] : undefined;
    if (!schema) throw new UsageError(`'${name}' is not a schema; give one of: ${Object.keys(SCHEMAS).join(', ')}`);
    io.stdout(JSON.stringify(schema.json(), null, 2) + '\n');
    return Promise.resolve(0);
  },
};
