// Which shard files a query needs: generator/site/search.py keys names the same way.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  isLoaded, keyOf, keysOf, lettersOf, listsFor, loadedKeys, makeShelf, nearFile, shardFiles, shardsFor,
} from '../../../overrides/assets/javascripts/search/shards.js';
import { makeIndex } from './fixture.mjs';

const { core } = makeIndex();

test("a character's letters: its readings' first letters, '_' without one", () => {
  assert.deepEqual(lettersOf(core, '王'), ['w', 'y']);
  assert.deepEqual(lettersOf(core, '吕'), ['l']);
  assert.deepEqual(lettersOf(core, '鑫'), ['_']);
  assert.deepEqual(lettersOf(core, 'q'), ['q']);
});

test("a word's keys: two characters' letters, or each way pinyin's first syllable may end", () => {
  assert.deepEqual(keysOf(core, '王庄'), ['wz']);
  assert.deepEqual(keysOf(core, '王'), ['w']);
  assert.deepEqual(keysOf(core, '王zhuang'), ['wz']);
  assert.deepEqual(keysOf(core, 'wangzhuang'), ['wa', 'wn', 'wg', 'wz']);
  assert.deepEqual(keysOf(core, 'wang'), ['wa', 'wn', 'wg', 'w']);
  assert.deepEqual(keysOf(core, 'w'), ['w']);
  assert.deepEqual(keysOf(core, 'wz'), ['wz']);
  assert.deepEqual(keysOf(core, 'xqxq'), ['xq']);  // x may start a syllable, xq none
});

test('digits: three for a phone, six more for a code', () => {
  assert.deepEqual(keysOf(core, '132-45'), ['d132']);
  assert.deepEqual(keysOf(core, '371502'), ['d371', 'n371502']);
  assert.deepEqual(keysOf(core, '12'), ['__']);  // two digits are text
});

test("a shard's files: one, or a piece per region", () => {
  const split = makeIndex({}, { county: '371502', city: '' }).core;
  split.shards.w = { 371502: 'aa', 371523: 'bb' };
  assert.deepEqual(shardFiles(split, 'wz'), { '': '/search/wz.k.json' });
  assert.deepEqual(shardFiles(split, 'w'), { 371502: '/search/w-371502.aa.json', 371523: '/search/w-371523.bb.json' });
  assert.deepEqual(shardFiles(split, 'zz'), {});
  // the reader's region's piece first, the others later
  assert.deepEqual(shardsFor(split, ['王']), { first: ['/search/w-371502.aa.json'], later: ['/search/w-371523.bb.json'] });
  // a reader nowhere in particular waits for every piece
  const nowhere = makeIndex({}, { county: '', city: '' }).core;
  nowhere.shards.w = split.shards.w;
  assert.deepEqual(shardsFor(nowhere, ['王']).later, []);
  assert.equal(shardsFor(nowhere, ['王']).first.length, 2);
});

test("spaced pinyin needs the joined words' shards too, each file once", () => {
  const found = shardsFor(core, ['wang', 'zhuang']);
  assert.ok(found.first.includes('/search/wz.k.json'));
  assert.ok(found.first.includes('/search/z.k.json'));  // zhuang may be one syllable
  assert.equal(new Set(found.first).size, found.first.length);
  assert.ok(!shardsFor(core, ['王', 'zhuang']).first.includes('/search/wz.k.json'));
});

test('a path names its key; the near file has none', () => {
  assert.equal(keyOf('/x/search/wz.0123456789.json'), 'wz');
  assert.equal(keyOf('search/w-3715.0123456789.json'), 'w');
  assert.equal(keyOf('search/near-3715.0123456789.json'), '');
  assert.equal(nearFile(core), '/search/near-371502.aaaa.json');
  assert.equal(nearFile(makeIndex({}, { county: '', city: '' }).core), '');
  const inCity = makeIndex({ region: 'city', near: { 3715: 'cc' } }, { county: '', city: '3715' }).core;
  assert.equal(nearFile(inCity), '/search/near-3715.cc.json');
});

test("a word's keys count only when all their files are in", () => {
  const shelf = makeShelf();
  assert.equal(loadedKeys(core, shelf, '王庄'), null);
  shelf.files.set('/search/wz.k.json', { pending: Promise.resolve() });
  assert.equal(isLoaded(shelf, '/search/wz.k.json'), false);
  assert.equal(loadedKeys(core, shelf, '王庄'), null);
  shelf.files.set('/search/wz.k.json', { entries: [] });
  assert.deepEqual(loadedKeys(core, shelf, '王庄'), ['wz']);
  assert.deepEqual(listsFor(core, shelf, ['/search/wz.k.json', '/search/missing.json']), [core.entries, []]);
  assert.deepEqual(loadedKeys(core, shelf, 'xqxq'), ['xq']);  // no name has the key: no file to wait for
});
