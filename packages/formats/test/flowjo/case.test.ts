import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '@her2scope/core';
import type { CytometryResult } from '@her2scope/core/cytometry';
import { loadCase } from '@her2scope/formats/case';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'flowjo');

test('a case file sample may take its cytometry populations from a FlowJo workspace (SYNTHETIC patient)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'case-wsp-'));
  try {
    const casePath = join(dir, 'case.yaml');
    const sample = (extra: string) => `# SYNTHETIC example patient
patient: { id: SYN-WSP, sex: F, birthYear: 1970 }
samples:
  - id: S1
    type: primary
    site: breast
    collected: 2020-01-02
    cytometry: { file: ${join(fixtures, 'data_set_simple_line_100.fcs')}, workspace: ${join(fixtures, 'single_ellipse_51_events.wsp')}${extra} }
`;
    writeFileSync(casePath, sample(', group: All Samples'));
    const c = await loadCase(casePath);
    const cyto = c.samples[0]!.cytometry as unknown as CytometryResult;
    assert.deepEqual(
      cyto.populations.map((p) => [p.name, p.path, p.count, p.workspaceCount]),
      [['ellipse1', '', 51, 51]],
    );
    writeFileSync(casePath, sample(', sample: nope'));
    await assert.rejects(loadCase(casePath), (e: unknown) => e instanceof InputError && /--sample: no sample 'nope'/.test(e.message));
    writeFileSync(casePath, sample(', group: 7'));
    await assert.rejects(loadCase(casePath), (e: unknown) => e instanceof InputError && e.field.endsWith('samples[0].cytometry.group'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
