// The reference tools the real-file tests compare against: bcftools (query, view, +split-vep), installed from
// Debian by scripts/ensure-bio-tools.sh when missing, and run here to produce the expected output in the test.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { repoRoot } from './helpers.ts';

let ensured = false;
export function ensureBioTools(): void {
  if (ensured) return;
  const have = spawnSync('sh', ['-c', 'command -v bcftools && command -v bgzip'], { stdio: 'ignore' }).status === 0;
  if (!have) {
    const r = spawnSync('bash', [join(repoRoot, 'scripts', 'ensure-bio-tools.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0) throw new Error('scripts/ensure-bio-tools.sh failed: bcftools is needed for these tests');
  }
  ensured = true;
}

/** Run bcftools; its stdout as text. */
export function bcftools(args: string[]): string {
  ensureBioTools();
  return execFileSync('bcftools', args, { encoding: 'utf8', maxBuffer: 512 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * A bgzip + tabix copy of a VCF (plain or gzip) in a temporary directory: htslib needs the index to know contigs
 * that the header does not declare (bcftools 1.16 +split-vep crashes on such a plain VCF otherwise).
 */
export function indexedCopy(path: string): string {
  ensureBioTools();
  const dir = mkdtempSync(join(tmpdir(), 'h2s-bcftools-'));
  const out = join(dir, basename(path).replace(/\.gz$/, '').replace(/\.vcf$/, '') + '.vcf.gz');
  execFileSync('sh', ['-c', `gzip -cdf '${path}' | bgzip -c > '${out}' && tabix -p vcf '${out}'`], { stdio: ['ignore', 'ignore', 'pipe'] });
  return out;
}

/** Tab-separated rows of bcftools output. */
export function rows(text: string): string[][] {
  return text.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
}
