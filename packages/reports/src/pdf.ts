/**
 * PDF by printing the report HTML with Debian's chromium through playwright-core (no browser download: the
 * executable comes from the `chromium` Debian package, installed by scripts/ensure-chromium.sh). The page is loaded
 * offline with JavaScript off and every request other than the page itself aborted, in a fresh profile directory
 * that is removed afterwards.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, RESEARCH_USE_NOTICE } from '@her2scope/core';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** `HER2SCOPE_CHROMIUM` overrides the executable (default /usr/bin/chromium). */
export function chromiumPath(): string {
  return process.env.HER2SCOPE_CHROMIUM || '/usr/bin/chromium';
}

/** The PDF cannot be made on this machine (no chromium): reported as a one-line error naming `--format pdf`. */
export class PdfError extends InputError {
  constructor(message: string) {
    super('--format pdf', message);
    this.name = 'PdfError';
  }
}

const FOOTER = `<div style="font-size:8px;width:100%;padding:0 12mm;color:#555;display:flex;justify-content:space-between;font-family:Helvetica,Arial,sans-serif"><span>her2scope report. ${RESEARCH_USE_NOTICE}</span><span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`;

export async function renderPdf(html: string, options: { timeoutMs?: number } = {}): Promise<Buffer> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) throw new PdfError(`chromium not found at ${executablePath}: run scripts/ensure-chromium.sh (Debian package 'chromium'), or set HER2SCOPE_CHROMIUM`);
  const timeout = options.timeoutMs ?? 60_000;
  const { chromium } = await import('playwright-core');
  const profile = await mkdtemp(join(tmpdir(), 'her2scope-chromium-'));
  let context: Awaited<ReturnType<typeof chromium.launchPersistentContext>> | undefined;
  try {
    context = await chromium.launchPersistentContext(profile, { executablePath, headless: true, args: CHROMIUM_ARGS, offline: true, javaScriptEnabled: false, timeout });
    const page = context.pages()[0] ?? (await context.newPage());
    await page.route('**/*', (route) => (route.request().url().startsWith('data:') ? route.continue() : route.abort()));
    await page.setContent(html, { waitUntil: 'load', timeout });
    await page.emulateMedia({ media: 'print' });
    return await page.pdf({
      format: 'A4',
      printBackground: true,
      preferCSSPageSize: true,
      displayHeaderFooter: true,
      headerTemplate: '<div></div>',
      footerTemplate: FOOTER,
      margin: { top: '14mm', bottom: '16mm', left: '12mm', right: '12mm' },
    });
  } finally {
    await context?.close().catch(() => undefined);
    await rm(profile, { recursive: true, force: true });
  }
}
