// Fetching shard files: once each, other regions' pieces a few at a time and only once typing pauses.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { LATER_AT_ONCE, TYPING_MS, makeLoader } from '../../../overrides/assets/javascripts/search/loader.js';
import { makeShelf } from '../../../overrides/assets/javascripts/search/shards.js';
import { makeIndex } from './fixture.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A site whose files answer when the test says: `asked` lists the paths in the order asked. */
function site() {
  const asked = [], answers = new Map();
  const get = (path) => new Promise((resolve, reject) => {
    asked.push(path);
    answers.set(path, { resolve, reject });
  });
  const answer = (path, ok = true) => (ok ? answers.get(path).resolve({ villages: [['201', '南街村', 0, 0, '']] })
    : answers.get(path).reject(new Error('offline')));
  return { asked, get, answer };
}

test('a first piece is asked for at once, once, and decoded under its key', async () => {
  const { core } = makeIndex();
  const shelf = makeShelf(), { asked, get, answer } = site();
  const loader = makeLoader(() => core, shelf, get);
  const one = loader.fetchShard('/search/nj.k.json');
  loader.fetchShard('/search/nj.k.json');
  await sleep(0);
  assert.deepEqual(asked, ['/search/nj.k.json']);
  assert.equal(loader.isLoaded('/search/nj.k.json'), false);
  answer('/search/nj.k.json');
  await one;
  assert.equal(loader.isLoaded('/search/nj.k.json'), true);
  const [entry] = shelf.files.get('/search/nj.k.json').entries;
  assert.equal(entry.code, '371502102201');  // the village the core knew from its other shards, noted under this one too
  assert.ok(entry.keys.includes('nj'));
  assert.equal(entry, core.known.get('371502102201'));
});

test('a piece that cannot be fetched is noted, not thrown, and asked for again next time', async () => {
  const { core } = makeIndex();
  const shelf = makeShelf(), { asked, get, answer } = site();
  const loader = makeLoader(() => core, shelf, get);
  const one = loader.fetchShard('/search/nj.k.json');
  await sleep(0);
  answer('/search/nj.k.json', false);
  await one;
  assert.ok(shelf.failed.has('/search/nj.k.json') && !shelf.files.has('/search/nj.k.json'));
  loader.fetchShard('/search/nj.k.json');
  await sleep(0);
  assert.equal(asked.length, 2);
});

test("other regions' pieces wait for a pause in typing, come a few at a time, the wanted first", async () => {
  const { core } = makeIndex();
  const shelf = makeShelf(), { asked, get, answer } = site();
  const loader = makeLoader(() => core, shelf, get);
  const paths = Array.from({ length: LATER_AT_ONCE + 2 }, (_, i) => `/search/w-${i}.k.json`);
  loader.typed();
  loader.want([paths[4]]);
  for (const path of paths) loader.fetchShard(path, true);
  await sleep(TYPING_MS / 2);
  assert.deepEqual(asked, []);
  await sleep(TYPING_MS);
  assert.deepEqual(asked, [paths[4], paths[0], paths[1]]);
  answer(paths[4]);
  await sleep(0);
  await sleep(0);
  assert.deepEqual(asked, [paths[4], paths[0], paths[1], paths[2]]);
  // a waiting piece that a query needs first is asked for at once
  loader.fetchShard(paths[3]);
  await sleep(0);
  assert.equal(asked.at(-1), paths[3]);
});
