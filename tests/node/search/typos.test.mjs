// Typos in pinyin: the words one slip away, and which correction of a query that finds nothing wins.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { oneEditAway, readsAsPinyin, syllableSet } from '../../../overrides/assets/javascripts/search/pinyin.js';
import { candidates, correct, isBetter, score } from '../../../overrides/assets/javascripts/search/typos.js';
import { makeIndex, PY, PY2 } from './fixture.mjs';

const syllables = syllableSet({ py: PY, py2: PY2 });

test('letters read as whole syllables, a last one cut short, or not at all', () => {
  assert.equal(readsAsPinyin(syllables, 'wangzhuang'), 2);
  assert.equal(readsAsPinyin(syllables, 'wangzhu'), 2);  // wang zhu
  assert.equal(readsAsPinyin(syllables, 'wangzhua'), 1);
  assert.equal(readsAsPinyin(syllables, 'wangzhaung'), 0);
  assert.equal(readsAsPinyin(syllables, 'xq'), 0);
  assert.equal(readsAsPinyin(syllables, ''), 2);
});

test('one edit away: a letter too many, missing, wrong, or two swapped; only what reads as pinyin', () => {
  const near = oneEditAway(syllables, 'wangzhaung');
  assert.ok(near.includes('wangzhuang'));  // swapped
  assert.ok(oneEditAway(syllables, 'wangzhuangg').includes('wangzhuang'));  // doubled
  assert.ok(oneEditAway(syllables, 'wanzhuang').includes('wangzhuang'));  // dropped
  assert.ok(oneEditAway(syllables, 'wangzhuamg').includes('wangzhuang'));  // wrong
  assert.ok(!near.includes('wangzhaung'));
  assert.ok(near.every((w) => readsAsPinyin(syllables, w) > 0 && w.length >= 2));
  assert.deepEqual(oneEditAway(syllables, 'wangzhaung'), oneEditAway(syllables, 'wangzhaung'));  // a fixed order
});

test("a query's candidates: each pinyin word of three letters or more, the others kept", () => {
  const { core } = makeIndex();
  const found = candidates(core, 'wangzhaung 王 ab');
  assert.ok(found.some(([fixed, text]) => fixed === 'wangzhuang' && text === 'wangzhuang 王 ab'));
  assert.ok(found.every(([, text]) => text.endsWith(' 王 ab')));  // ab is too short to correct
  assert.deepEqual(candidates(core, '王庄'), []);
});

test('the better correction: whole syllables, no cut, longer, a whole name, more found', () => {
  const { core } = makeIndex();
  const found = (count, shortened, place) => ({ count, best: { words: 0, place, rareReading: false, shortened }, top: [], terms: [], complete: true });
  assert.deepEqual(score(core, 'wangzhuang', found(3, false, 0)), [2, 1, 10, 1, 3]);
  assert.deepEqual(score(core, 'wangzhua', found(1, true, 1)), [1, 0, 8, 0, 1]);
  const mark = (s) => ({ text: '', found: found(0, false, 0), score: s });
  assert.ok(isBetter([2, 1, 10, 1, 3], null));
  assert.ok(isBetter([2, 1, 10, 1, 3], mark([1, 1, 10, 1, 3])));
  assert.ok(isBetter([2, 1, 10, 1, 3], mark([2, 1, 10, 1, 2])));
  assert.ok(!isBetter([2, 1, 10, 1, 3], mark([2, 1, 10, 1, 3])));
  assert.ok(!isBetter([2, 0, 10, 1, 3], mark([2, 1, 9, 0, 1])));
});

test('a query that finds nothing gets its best correction, one task at a time, unless stale', async () => {
  const { core, shelf } = makeIndex();
  const best = await new Promise((resolve) => correct(core, shelf, 'wangzhaung', () => false, resolve));
  assert.equal(best.text, 'wangzhuang');
  assert.equal(best.found.top[0].name, '汪庄');
  let stale = false;
  let called = false;
  correct(core, shelf, 'wangzhaung', () => stale, () => { called = true; });
  stale = true;
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(called, false);
  const none = await new Promise((resolve) => correct(core, shelf, 'xqxqxq', () => false, resolve));
  assert.equal(none, null);
});

test('a correction whose shards are not in is not tried', async () => {
  const { core, shelf } = makeIndex();
  shelf.files.clear();
  const best = await new Promise((resolve) => correct(core, shelf, 'wangzhaung', () => false, resolve));
  assert.equal(best, null);
});
