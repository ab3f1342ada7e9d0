import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classifyPathology, DEFAULT_COMMENTS, InputError, parsePathologyInput, type Her2Result, type PathologyInput } from '../../src/index.ts';

const her2Of = (input: PathologyInput): Her2Result => {
  const r = classifyPathology(parsePathologyInput(input)).her2;
  assert.ok(r, 'expected a HER2 result');
  return r;
};

/** Mean HER2 / CEP17 pairs that fall in each dual-probe group (ASCO/CAP 2018 Fig. 3). */
const GROUP_COUNTS: Record<number, { her2: number; cep17: number }> = {
  1: { her2: 5.0, cep17: 2.0 }, // ratio 2.5, HER2 >= 4
  2: { her2: 3.0, cep17: 1.4 }, // ratio 2.14, HER2 < 4
  3: { her2: 6.5, cep17: 4.0 }, // ratio 1.63, HER2 >= 6
  4: { her2: 4.6, cep17: 2.6 }, // ratio 1.77, HER2 4-6
  5: { her2: 2.0, cep17: 1.5 }, // ratio 1.33, HER2 < 4
};

type Expect = [status: Her2Result['status'], category: Her2Result['category'], comments: string[]];
const { group2: A, group3: B, group4: C, blindedRecount: R, discordant: D, concurrentIhcRequired: IHC_NEEDED, her2LowFootnote: LOW, ihcZero: ZERO, ihcZeroStainedPercent: PROMPT } = DEFAULT_COMMENTS;

// Every IHC x ISH-group cell of ASCO/CAP 2018 Figs. 3-6 (IHC 0 here without a stained percent: category HER2-0).
const TABLE: Record<string, Record<number, Expect>> = {
  none: {
    1: ['positive', 'HER2-positive', []],
    2: ['equivocal', 'pending', [IHC_NEEDED]],
    3: ['equivocal', 'pending', [IHC_NEEDED]],
    4: ['equivocal', 'pending', [IHC_NEEDED]],
    5: ['negative', 'HER2-negative', []],
  },
  '0': {
    1: ['positive', 'HER2-positive', [D]],
    // IHC 0 in groups 2-4 keeps the IHC 0 best-practice comment, and the ultralow prompt asks for the stained % (2023 update; DB-06).
    2: ['negative', 'HER2-0', [A, ZERO, PROMPT]],
    3: ['negative', 'HER2-0', [B, ZERO, PROMPT]],
    4: ['negative', 'HER2-0', [C, ZERO, PROMPT]],
    5: ['negative', 'HER2-0', [ZERO, PROMPT]],
  },
  '1+': {
    1: ['positive', 'HER2-positive', [D]],
    2: ['negative', 'HER2-low', [A, LOW]],
    3: ['negative', 'HER2-low', [B, LOW]],
    4: ['negative', 'HER2-low', [C, LOW]],
    5: ['negative', 'HER2-low', [LOW]],
  },
  '2+': {
    1: ['positive', 'HER2-positive', []],
    2: ['negative', 'HER2-low', [R, A, LOW]],
    3: ['positive', 'HER2-positive', [R]],
    4: ['negative', 'HER2-low', [R, C, LOW]],
    5: ['negative', 'HER2-low', [LOW]],
  },
  '3+': {
    1: ['positive', 'HER2-positive', []],
    2: ['positive', 'HER2-positive', []],
    3: ['positive', 'HER2-positive', []],
    4: ['positive', 'HER2-positive', []],
    5: ['positive', 'HER2-positive', [D]],
  },
};

describe('dual-probe ISH x concurrent IHC (ASCO/CAP 2018 Figs. 3-6)', () => {
  for (const [ihc, row] of Object.entries(TABLE)) {
    for (const [group, [status, category, comments]] of Object.entries(row)) {
      test(`IHC ${ihc} x group ${group} -> ${status} ${category}`, () => {
        const counts = GROUP_COUNTS[Number(group)]!;
        const r = her2Of({ her2: { ...(ihc === 'none' ? {} : { ihc: ihc as '0' }), ish: { probe: 'dual', ...counts } } });
        assert.equal(r.ishGroup, Number(group));
        assert.equal(r.status, status);
        assert.equal(r.category, category);
        assert.deepEqual(r.comments, comments);
        assert.ok(r.rules.some((x) => x.id === `her2.ish.dual.group${group}`));
        assert.ok(r.rules.every((x) => x.source.length > 20), 'every rule cites a source');
      });
    }
  }
});

describe('IHC alone (ASCO/CAP 2018 Fig. 1) and HER2-low/ultralow', () => {
  const cases: Array<[PathologyInput['her2'], Her2Result['status'], Her2Result['category']]> = [
    [{ ihc: '3+' }, 'positive', 'HER2-positive'],
    [{ ihc: '3+', stainedPercent: 11 }, 'positive', 'HER2-positive'],
    [{ ihc: '2+' }, 'equivocal', 'pending'],
    [{ ihc: '1+' }, 'negative', 'HER2-low'],
    [{ ihc: '0' }, 'negative', 'HER2-0'],
    [{ ihc: '0', stainedPercent: 0 }, 'negative', 'HER2-null'],
    [{ ihc: '0', stainedPercent: 0.5 }, 'negative', 'HER2-ultralow'],
    [{ ihc: '0', stainedPercent: 10 }, 'negative', 'HER2-ultralow'],
  ];
  for (const [her2, status, category] of cases) {
    test(`${JSON.stringify(her2)} -> ${status} ${category}`, () => {
      const r = her2Of({ her2 });
      assert.equal(r.status, status);
      assert.equal(r.category, category);
      assert.equal(r.ishGroup, null);
      assert.equal(r.ishRatio, null);
    });
  }

  test('IHC 2+ without ISH asks for reflex ISH', () => {
    assert.deepEqual(her2Of({ her2: { ihc: '2+' } }).comments, [DEFAULT_COMMENTS.reflexIsh]);
  });

  test('IHC 2+ in <=10% of cells is the unusual-pattern 2+ (equivocal)', () => {
    const r = her2Of({ her2: { ihc: '2+', stainedPercent: 8 } });
    assert.equal(r.status, 'equivocal');
    assert.deepEqual(r.comments, [DEFAULT_COMMENTS.unusualPattern, DEFAULT_COMMENTS.reflexIsh]);
    assert.ok(r.rules.some((x) => x.id === 'her2.ihc.2+.unusual-pattern'));
  });

  test('ultralow cites DESTINY-Breast06 / the 2025 label; null and ultralow come from IHC 0 only', () => {
    const r = her2Of({ her2: { ihc: '0', stainedPercent: 5 } });
    assert.match(r.rules.find((x) => x.id === 'her2.category.ultralow')!.source, /DESTINY-Breast06/);
    assert.deepEqual(r.comments, [DEFAULT_COMMENTS.ihcZero, DEFAULT_COMMENTS.ultralow]);
  });

  test('IHC 0 with ultralow staining and ISH group 4 stays ultralow', () => {
    const r = her2Of({ her2: { ihc: '0', stainedPercent: 3, ish: { her2: 4.6, cep17: 2.6 } } });
    assert.deepEqual([r.status, r.category, r.ishGroup], ['negative', 'HER2-ultralow', 4]);
  });
});

describe('boundaries', () => {
  const group = (her2: number, cep17: number) => her2Of({ her2: { ish: { her2, cep17 } } }).ishGroup;
  test('ratio exactly 2.0 counts as >= 2.0', () => {
    assert.equal(group(4.0, 2.0), 1);
    assert.equal(group(3.0, 1.5), 2);
    assert.equal(group(4.2, 2.1), 1); // 4.2/2.1 is 2.0000000000000004 or 1.9999999999999998 in binary
    assert.equal(group(3.98, 1.99), 2);
    assert.equal(group(3.98, 1.995), 5); // ratio 1.99499
  });
  test('mean HER2 exactly 4.0 and 6.0 count as >=', () => {
    assert.equal(group(4.0, 2.5), 4);
    assert.equal(group(3.99, 2.5), 5);
    assert.equal(group(6.0, 3.5), 3);
    assert.equal(group(5.99, 3.5), 4);
  });
  test('a given ratio is used when CEP17 is not given', () => {
    const r = her2Of({ her2: { ihc: '1+', ish: { her2: 4.1, ratio: 2.0 } } });
    assert.deepEqual([r.ishGroup, r.ishRatio, r.status], [1, 2, 'positive']);
  });
  test('the computed ratio is reported to 2 decimals', () => {
    assert.equal(her2Of({ her2: { ish: { her2: 4.6, cep17: 2.6 } } }).ishRatio, 1.77);
  });
});

describe('single-probe ISH (ASCO/CAP 2018 Fig. 2)', () => {
  const single = (her2: number, ihc?: '0' | '1+' | '2+' | '3+') => her2Of({ her2: { ...(ihc ? { ihc } : {}), ish: { probe: 'single', her2 } } });
  test('>= 6.0 positive, < 4.0 negative', () => {
    assert.deepEqual([single(6.0).status, single(6.0).category], ['positive', 'HER2-positive']);
    assert.deepEqual([single(3.99).status, single(3.99).category], ['negative', 'HER2-negative']);
    assert.deepEqual([single(3.99, '1+').status, single(3.99, '1+').category], ['negative', 'HER2-low']);
  });
  test('4.0 to < 6.0 is resolved by IHC', () => {
    assert.equal(single(4.0, '3+').status, 'positive');
    assert.deepEqual([single(5.99, '0').status, single(5.99, '0').category], ['negative', 'HER2-0']);
    assert.deepEqual([single(5.0, '1+').status, single(5.0, '1+').category], ['negative', 'HER2-low']);
    const twoPlus = single(5.0, '2+');
    assert.deepEqual([twoPlus.status, twoPlus.category, twoPlus.comments], ['equivocal', 'pending', [DEFAULT_COMMENTS.singleProbeNeedsDual]]);
    const noIhc = single(4.5);
    assert.deepEqual([noIhc.status, noIhc.category, noIhc.comments], ['equivocal', 'pending', [DEFAULT_COMMENTS.singleProbeNeedsIhc]]);
  });
  test('single probe has no ISH group', () => {
    assert.equal(single(7).ishGroup, null);
  });
});

describe('rejected input names the field', () => {
  const rejects = (input: unknown, field: string, message: RegExp) => {
    assert.throws(
      () => classifyPathology(parsePathologyInput(input)),
      (e: unknown) => e instanceof InputError && e.field === field && message.test(e.message),
    );
  };
  test('IHC 4+', () => rejects({ her2: { ihc: '4+' } }, 'her2.ihc', /one of "0", "1\+", "2\+", "3\+"/));
  test('IHC as number 3', () => rejects({ her2: { ihc: 3 } }, 'her2.ihc', /one of/));
  test('negative ratio', () => rejects({ her2: { ish: { her2: 4, ratio: -1 } } }, 'her2.ish.ratio', />= 0/));
  test('CEP17 = 0', () => rejects({ her2: { ish: { her2: 4, cep17: 0 } } }, 'her2.ish.cep17', /> 0/));
  test('percent > 100', () => rejects({ er: { percent: 101 } }, 'er.percent', /0 to 100/));
  test('stained percent > 100', () => rejects({ her2: { ihc: '0', stainedPercent: 150 } }, 'her2.stainedPercent', /0 to 100/));
  test('non-numeric', () => rejects({ her2: { ish: { her2: 'many', cep17: 2 } } }, 'her2.ish.her2', /number/));
  test('IHC 3+ with stained percent <= 10', () => rejects({ her2: { ihc: '3+', stainedPercent: 10 } }, 'her2.stainedPercent', /IHC 3\+ requires staining in >10%/));
  test('IHC 1+ with stained percent <= 10', () => rejects({ her2: { ihc: '1+', stainedPercent: 5 } }, 'her2.stainedPercent', /IHC 1\+ requires/));
  test('IHC 0 with stained percent > 10', () => rejects({ her2: { ihc: '0', stainedPercent: 20 } }, 'her2.stainedPercent', /IHC 0 means staining in <=10%/));
  test('stained percent without IHC', () => rejects({ her2: { stainedPercent: 5 } }, 'her2.stainedPercent', /without her2.ihc/));
  test('ratio that disagrees with the means', () => rejects({ her2: { ish: { her2: 4.6, cep17: 2.6, ratio: 2.5 } } }, 'her2.ish.ratio', /disagrees with her2\/cep17 = 4.6\/2.6 = 1.77/));
  test('single probe with CEP17', () => rejects({ her2: { ish: { probe: 'single', her2: 5, cep17: 2 } } }, 'her2.ish.probe', /single-probe/));
  test('dual probe without mean HER2', () => rejects({ her2: { ish: { ratio: 2.3 } } }, 'her2.ish.her2', /required/));
  test('dual probe without CEP17 or ratio', () => rejects({ her2: { ish: { probe: 'dual', her2: 5 } } }, 'her2.ish.cep17', /required/));
  test('mean HER2 alone without a probe', () => rejects({ her2: { ish: { her2: 5 } } }, 'her2.ish.probe', /single/));
  test('unknown probe', () => rejects({ her2: { ish: { probe: 'triple', her2: 5 } } }, 'her2.ish.probe', /"dual", "single"/));
  test('unknown field', () => rejects({ her2: { ihc: '1+', foo: 1 } }, 'her2.foo', /unknown field/));
  test('hostile field name is reported, not executed', () => rejects({ '<script>': 1 }, '<script>', /unknown field/));
});

test('ratio consistency tolerates rounding only', () => {
  for (const ratio of [1.77, 1.8, 1.769, 1.76]) {
    assert.equal(her2Of({ her2: { ish: { her2: 4.6, cep17: 2.6, ratio } } }).ishGroup, 4, `ratio ${ratio}`);
  }
  assert.throws(() => her2Of({ her2: { ish: { her2: 4.6, cep17: 2.6, ratio: 1.6 } } }), InputError);
  assert.throws(() => her2Of({ her2: { ish: { her2: 4.6, cep17: 2.6, ratio: 1.95 } } }), InputError);
});

test('lab wording can replace a guideline comment', () => {
  const r = classifyPathology({ her2: { ihc: '2+' } }, { comments: { reflexIsh: 'Reflex ISH ordered.' } });
  assert.deepEqual(r.her2?.comments, ['Reflex ISH ordered.']);
});

describe('issue 14: reported vs computed ratio, two decimals, refused inputs', () => {
  test('lab ratio 2.00 vs computed 4.19/2.1 = 1.995: the reported 2.00 is used (group 1) and flagged (ASCO/CAP 2018 Fig. 3: values as the lab reports them, 2.00 counts as >=2.0)', () => {
    const r = her2Of({ her2: { ihc: '2+', ish: { her2: 4.19, cep17: 2.1, ratio: 2.0 } } });
    assert.deepEqual([r.status, r.category, r.ishGroup, r.ishRatio, r.ishRatioText], ['positive', 'HER2-positive', 1, 2, '2.00']);
    assert.ok(r.comments.includes(DEFAULT_COMMENTS.reportedRatioUsed));
    assert.ok(r.rules.some((x) => x.id === 'her2.ish.reported-ratio-used'));
  });
  test('without a reported ratio the computed 1.9952 is used unrounded (group 4) and printed with 3 decimals so it never reads "2.00"', () => {
    const r = her2Of({ her2: { ihc: '2+', ish: { her2: 4.19, cep17: 2.1 } } });
    assert.deepEqual([r.status, r.ishGroup, r.ishRatio, r.ishRatioText], ['negative', 4, 1.995, '1.995']);
    assert.ok(!r.comments.includes(DEFAULT_COMMENTS.reportedRatioUsed));
  });
  test('reported and computed on the same side: no flag', () => {
    const r = her2Of({ her2: { ihc: '1+', ish: { her2: 4.6, cep17: 2.6, ratio: 1.77 } } });
    assert.deepEqual([r.ishGroup, r.ishRatioText, r.comments.includes(DEFAULT_COMMENTS.reportedRatioUsed)], [4, '1.77', false]);
  });
  test('IHC 2+ with 0% stained cells is refused (Fig. 1: 2+ describes stained tumour cells)', () => {
    assert.throws(() => her2Of({ her2: { ihc: '2+', stainedPercent: 0 } }), (e: unknown) => e instanceof InputError && e.field === 'her2.stainedPercent' && /IHC 2\+ means membrane staining/.test(e.message));
  });
  test('IHC 0 without a stained % asks for it (ultralow prompt); with 0% or 5% it does not', () => {
    assert.ok(her2Of({ her2: { ihc: '0' } }).comments.includes(DEFAULT_COMMENTS.ihcZeroStainedPercent));
    assert.ok(!her2Of({ her2: { ihc: '0', stainedPercent: 0 } }).comments.includes(DEFAULT_COMMENTS.ihcZeroStainedPercent));
    assert.equal(her2Of({ her2: { ihc: '0', stainedPercent: 5 } }).category, 'HER2-ultralow');
  });
});
