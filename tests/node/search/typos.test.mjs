// Slips of the hand in pinyin: the words one slip away, and which correction of a query wins.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { search } from '../../../overrides/assets/javascripts/search/engine.js';
import { MIXED, WHOLE } from '../../../overrides/assets/javascripts/search/match.js';
import { readsAsPinyin, syllableSet } from '../../../overrides/assets/javascripts/search/pinyin.js';
import {
  DOUBLED, DROPPED, EXTRA, MAX_FETCH, NEIGHBOUR, SWAPPED, WRONG, beats, candidates, correct, filesToFetch, isBetter,
  needsCorrection, neighbours, score, slipsAway, tryCorrection,
} from '../../../overrides/assets/javascripts/search/typos.js';
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

test("a phone keyboard's neighbours: beside, above and below", () => {
  const around = neighbours();
  assert.deepEqual(Array.from(around.get('g')).sort().join(''), 'bfhtvy');
  assert.deepEqual(Array.from(around.get('q')).sort().join(''), 'aw');
  assert.deepEqual(Array.from(around.get('m')).sort().join(''), 'jkn');
  assert.equal(around.size, 26);
});

test('one slip away, each with its kind: swapped, doubled, dropped, neighbour, extra, wrong', () => {
  const near = slipsAway(syllables, 'wangzhaung');
  assert.equal(near.get('wangzhuang'), SWAPPED);
  assert.equal(slipsAway(syllables, 'wangzhuangg').get('wangzhuang'), DOUBLED);
  assert.equal(slipsAway(syllables, 'wanzhuang').get('wangzhuang'), DROPPED);
  assert.equal(slipsAway(syllables, 'wangzhuanf').get('wangzhuang'), NEIGHBOUR);
  assert.equal(slipsAway(syllables, 'wangzhuxang').get('wangzhuang'), EXTRA);
  assert.equal(slipsAway(syllables, 'wangzhuanp').get('wangzhuang'), WRONG);
  assert.ok(!near.has('wangzhaung'));
  assert.ok(Array.from(near.keys()).every((w) => readsAsPinyin(syllables, w) > 0 && w.length >= 2));
  assert.deepEqual(Array.from(slipsAway(syllables, 'wangzhaung')), Array.from(near));  // a fixed order
  assert.ok(SWAPPED <= DOUBLED && DOUBLED < EXTRA && DROPPED < EXTRA && NEIGHBOUR < WRONG);
});

test("a query's candidates: each pinyin word of three letters or more, the likeliest first", () => {
  const { core } = makeIndex();
  const found = candidates(core, 'wangzhaung 王 ab');
  assert.deepEqual(found[0], { fixed: 'wangzhuang', text: 'wangzhuang 王 ab', slip: SWAPPED });
  assert.ok(found.every(({ text }) => text.endsWith(' 王 ab')));  // ab is too short to correct
  assert.deepEqual(candidates(core, '王庄'), []);
  const reads = found.map(({ fixed }) => readsAsPinyin(core.syllables, fixed));
  assert.deepEqual(reads, [...reads].sort((a, b) => b - a));  // whole syllables first
});

test('a query needs corrections when it finds nothing, or only through a muddle of syllables', () => {
  const { core, shelf, lists } = makeIndex();
  const find = (query) => search(core, shelf, query, lists(query));
  assert.ok(needsCorrection(find('wangzhaung')));
  assert.ok(!needsCorrection(find('wangzhuang')));
  assert.ok(!needsCorrection(find('wz')));
  assert.equal(find('wzhuang').best.shortened, MIXED);  // w-ang zhuang
  assert.ok(needsCorrection(find('wzhuang')));
});

test('the better correction: whole syllables, read whole, the likelier slip, longer, a whole name, more found', () => {
  const { core } = makeIndex();
  const found = (count, shortened, place, lastCut = false) => ({ count, best: { words: 0, place, rareReading: false, shortened, lastCut, fit: 0 },
    top: [], terms: [], complete: true });
  assert.deepEqual(score(core, { fixed: 'wangzhuang', text: '', slip: SWAPPED }, found(3, WHOLE, 0)), [2, 1, 1, -SWAPPED, 10, 1, 3]);
  assert.deepEqual(score(core, { fixed: 'wangzhua', text: '', slip: WRONG }, found(1, MIXED, 1, true)), [1, 0, 0, -WRONG, 8, 0, 1]);
  const mark = (s) => ({ text: '', found: found(0, WHOLE, 0), score: s });
  assert.ok(isBetter([2, 1, 1, 0, 10, 1, 3], null));
  assert.ok(isBetter([2, 1, 1, 0, 10, 1, 3], mark([1, 1, 1, 0, 10, 1, 3])));
  assert.ok(isBetter([2, 1, 1, 0, 10, 1, 3], mark([2, 1, 1, 0, 10, 1, 2])));
  assert.ok(!isBetter([2, 1, 1, 0, 10, 1, 3], mark([2, 1, 1, 0, 10, 1, 3])));
  assert.ok(!isBetter([2, 0, 1, 0, 10, 1, 3], mark([2, 1, 1, -3, 9, 0, 1])));
  // a correction beats results that only a muddle found
  const correction = { text: '', found: found(1, WHOLE, 0), score: [] };
  assert.ok(beats(correction, found(0, WHOLE, 0, false) && { ...found(0, WHOLE, 0), best: null }));
  assert.ok(beats(correction, found(2, MIXED, 0)));
  assert.ok(!beats(correction, found(2, WHOLE, 0)));
});

test('a query gets its best correction, its likeliest shards fetched first, one task at a time, unless stale', async () => {
  const { core, shelf } = makeIndex();
  const fetched = [];
  const how = (stale = () => false) => ({ stale, fetchFiles: (paths) => { fetched.push(...paths); return Promise.resolve(); }, extra: () => [] });
  const best = await new Promise((resolve) => correct(core, shelf, 'wangzhaung', how(), resolve));
  assert.equal(best.text, 'wangzhuang');
  assert.equal(best.found.top[0].name, '汪庄');
  assert.deepEqual(fetched, []);  // all in
  let stale = false;
  let called = false;
  correct(core, shelf, 'wangzhaung', how(() => stale), () => { called = true; });
  stale = true;
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(called, false);
  const none = await new Promise((resolve) => correct(core, shelf, 'xqxqxq', how(), resolve));
  assert.equal(none, null);
});

test("a correction whose shards are not in is not tried, unless lists stand for them; at most a few are fetched", async () => {
  const { core, shelf, lists } = makeIndex();
  const all = lists('wz')[1];
  const kept = new Map(shelf.files);
  shelf.files.clear();
  const t = { fixed: 'wangzhuang', text: 'wangzhuang', slip: SWAPPED };
  assert.equal(tryCorrection(core, shelf, t, []), null);
  assert.equal(tryCorrection(core, shelf, t, [all]).found.top[0].name, '汪庄');
  assert.equal(tryCorrection(core, shelf, t, [all], new Set(['advisor'])), null);
  const wanted = filesToFetch(core, shelf, candidates(core, 'aihsan'));
  assert.ok(wanted.includes('/search/as.k.json'), wanted);  // aishan: its first syllables' shard
  assert.ok(wanted.length <= MAX_FETCH);
  for (const [path, file] of kept) shelf.files.set(path, file);
  const best = await new Promise((resolve) => correct(core, shelf, 'aihsan', { stale: () => false, fetchFiles: () => Promise.resolve(), extra: () => [] }, resolve));
  assert.equal(best.found.top[0].name, '艾山村');
});
