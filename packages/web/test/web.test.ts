/** The web app's pure logic: live classification from the form, timeline layout, routes, display helpers. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorFrom, uploadQuery } from '../src/api.ts';
import { formatBytes, formatPercent, her2Class } from '../src/format.ts';
import { classifyForm, EMPTY_PATHOLOGY_FORM, formToPathology, pathologyToForm } from '../src/pathology-form.ts';
import { href, parseRoute } from '../src/route.ts';

test('live classification: IHC 2+ with dual-probe ISH group 4 is HER2-low with the rule trail; ER 5% is low positive', () => {
  const r = classifyForm({ ...EMPTY_PATHOLOGY_FORM, ihc: '2+', ishHer2: '4.6', ishCep17: '2,6', erPercent: '5', prPercent: '0' });
  assert.equal(r.ok, true);
  if (r.ok !== true) return;
  assert.equal(r.result.her2!.category, 'HER2-low');
  assert.equal(r.result.her2!.ishGroup, 4);
  assert.equal(r.result.er.status, 'low-positive');
  assert.equal(r.result.pr.status, 'negative');
  assert.deepEqual(r.result.her2!.rules.map((x) => x.id).slice(0, 2), ['her2.ihc.2+', 'her2.ish.dual.group4']);
  assert.deepEqual(r.input, { her2: { ihc: '2+', ish: { her2: 4.6, cep17: 2.6 } }, er: { percent: 5 }, pr: { percent: 0 } });
});

test('live classification while typing: empty form, a half-typed number, a contradiction', () => {
  assert.deepEqual(classifyForm(EMPTY_PATHOLOGY_FORM), { ok: 'empty' });
  const typing = classifyForm({ ...EMPTY_PATHOLOGY_FORM, erPercent: '9x' });
  assert.equal(typing.ok, false);
  if (typing.ok === false) assert.equal(typing.field, 'er.percent');
  const over = classifyForm({ ...EMPTY_PATHOLOGY_FORM, erPercent: '101' });
  assert.equal(over.ok, false);
  if (over.ok === false) assert.equal(over.message, 'er.percent: percent of tumour nuclei staining must be from 0 to 100');
  const contradictory = classifyForm({ ...EMPTY_PATHOLOGY_FORM, ihc: '3+', stainedPercent: '5' });
  assert.equal(contradictory.ok, false);
  if (contradictory.ok === false) assert.match(contradictory.field, /^her2/);
  const ultralow = classifyForm({ ...EMPTY_PATHOLOGY_FORM, ihc: '0', stainedPercent: '5' });
  assert.equal(ultralow.ok === true && ultralow.result.her2!.category, 'HER2-ultralow');
});

test('pathology form round trip', () => {
  const saved = { her2: { ihc: '1+', ish: { probe: 'single', her2: 3.1 } }, er: { percent: 90 }, pr: { percent: 5 }, ki67: 30 };
  assert.deepEqual(formToPathology(pathologyToForm(saved)), saved);
  assert.deepEqual(pathologyToForm(null), EMPTY_PATHOLOGY_FORM);
});

test('routes', () => {
  const id = '0b7d7c1e-1111-4222-8333-444455556666';
  assert.deepEqual(parseRoute(`#/patients/${id}`), { page: 'patient', id });
  assert.deepEqual(parseRoute('#/admin'), { page: 'admin' });
  assert.deepEqual(parseRoute('#/account'), { page: 'account' });
  assert.equal(href({ page: 'account' }), '#/account');
  assert.deepEqual(parseRoute('#/patients/<script>'), { page: 'patients' });
  assert.deepEqual(parseRoute(''), { page: 'patients' });
  assert.equal(href({ page: 'patient', id }), `#/patients/${id}`);
});

test('display helpers', () => {
  assert.equal(formatPercent(0.03), '3.0%');
  assert.equal(formatPercent(null), '—');
  assert.equal(formatBytes(1536), '1.5 KiB');
  assert.equal(formatBytes(2 * 1024 ** 3), '2.0 GiB');
  assert.equal(her2Class('HER2-positive'), 'her2-pos');
  assert.equal(her2Class('HER2-null'), 'her2-zero');
  assert.equal(uploadQuery({ kind: 'variants', tumor: ' TUMOR ', normal: '', meanDepth: '300' }), 'kind=variants&tumor=TUMOR&meanDepth=300');
  assert.equal(uploadQuery({ kind: 'flowjo-workspace', group: ' Samples ', sample: 'A 1.fcs' }), 'kind=flowjo-workspace&group=Samples&sample=A+1.fcs');
  assert.equal(uploadQuery({ kind: 'cytometry', group: 'Samples', sample: 'x' }), 'kind=cytometry', 'group and sample only go with a workspace');
  const e = errorFrom(400, { error: 'invalid-input', field: 'label', message: 'Label is too long', fields: [{ field: 'label', label: 'Label', message: 'Label is too long' }] });
  assert.deepEqual([e.status, e.code, e.field, e.message, e.fields], [400, 'invalid-input', 'label', 'Label is too long', [{ field: 'label', label: 'Label', message: 'Label is too long' }]]);
  assert.equal(errorFrom(502, '<html>').message, 'request failed (HTTP 502)');
});
