// The service worker's strategy (generator/build/sw.js): network first; the phone's saved copy without signal
// or when the signal keeps a reader waiting; the notice page for a page never saved; the pages open at install
// saved; each deploy its own cache, which takes over the old ones' saved pages and drops them.
// Run: node --test tests/node/sw/ (tests/build/test_offline.py runs them too).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { World, SCOPE, FakeResponse } from './worker.mjs';

const PATIENCE = 4000;  // ms the worker waits for the network before it shows a saved copy

async function installed(options = {}) {
  const world = new World().page('offline/', '没有网络').page('assets/site.css', 'body{}').page('v/1/', '前董村').load(options);
  await world.lifecycle('install');
  await world.lifecycle('activate');
  return world;
}

test('install saves the notice page and the site files, each by its URL under the scope, and takes over at once', async () => {
  const world = await installed({ version: 'abc', precache: ['assets/site.css'] });
  assert.deepEqual(await world.caches.keys(), ['dir-abc']);
  assert.deepEqual([...world.stores.get('dir-abc').entries.keys()], [SCOPE + 'offline/', SCOPE + 'assets/site.css']);
  assert.equal(world.skipped, true);
  assert.equal(world.claimed, true);
});

test('install fails when a file to save is missing, so a broken deploy does not replace a working worker', async () => {
  const world = new World().page('offline/').load({ precache: ['assets/gone.css'] });
  await assert.rejects(world.lifecycle('install'));
  assert.equal(world.skipped, false);
});

test('install saves the pages open in a window, fresh from the network: the first page a phone opens is kept', async () => {
  const world = new World().page('offline/', '没有网络').page('v/1/', '前董村').page('t/2/', '堂邑镇').page('assets/site.css', 'body{}')
    .page('v/moved/', '前董村', { redirected: true })
    .open(SCOPE + 'v/1/#dir-card')  // the page a card's QR code opened, before any worker was there
    .open(SCOPE + 't/2/?from=wechat', { controlled: true })
    .open(SCOPE + 'assets/site.css')  // a file, not a page
    .open(SCOPE + 'offline/?from=%2Fsub%2Fv%2F9%2F')  // the notice page: saved already, by its own address
    .open(SCOPE + 'v/moved/')  // an answer that was redirected: a navigation may not be given it
    .open(SCOPE + 'v/gone/')  // no longer on the server
    .open('https://other.example/sub/v/1/')
    .open(SCOPE + 'v/1/', { type: 'worker' })
    .load({ version: 'v1' });
  await world.lifecycle('install');
  const saved = [...world.stores.get('dir-v1').entries.keys()];
  assert.deepEqual(saved, [SCOPE + 'offline/', SCOPE + 'v/1/', SCOPE + 't/2/?from=wechat']);
  assert.equal((await world.saved('dir-v1', 'v/1/')).body, '前董村');
  assert.equal(world.skipped, true);
  world.online = false;
  await world.lifecycle('activate');
  assert.equal((await world.answer(world.request('v/1/', { mode: 'navigate' }))).body, '前董村');
});

test('install does not fail for an open page it cannot fetch: the next visit saves it', async () => {
  const world = new World().page('offline/').open(SCOPE + 'v/1/').load({ version: 'v1' });
  const fetch = world.fetch;
  world.fetch = (request) => ((typeof request === 'string' ? request : request.url) === SCOPE + 'v/1/'
    ? Promise.reject(new TypeError('Failed to fetch')) : fetch(request));
  world.load({ version: 'v1' });
  await world.lifecycle('install');
  assert.equal(world.skipped, true);
  assert.deepEqual([...world.stores.get('dir-v1').entries.keys()], [SCOPE + 'offline/']);
});

test("a new version takes over the pages the phone saved, as it saw them, and none of the old deploy's files", async () => {
  const world = new World().page('offline/', '没有网络').page('assets/site.css', 'body{}').page('v/1/', '前董村').page('v/2/', '王庄村');
  world.load({ version: 'old', precache: ['assets/site.css'] });
  await world.lifecycle('install');
  await world.lifecycle('activate');
  for (const path of ['v/1/', 'v/2/', 'search/shard-3.json']) {
    world.page(path, path === 'search/shard-3.json' ? '{}' : undefined);
    await world.answer(world.request(path, { mode: path.endsWith('/') ? 'navigate' : 'no-cors' }));
  }
  assert.equal((await world.saved('dir-old', 'v/2/')).body, '<h1>v/2/</h1>');
  // a deploy: the reader has v/1/ open, whose new copy the new worker saves; v/2/ comes over as it was
  world.page('v/1/', '前董村（新）').page('v/2/', '王庄村（新）').open(SCOPE + 'v/1/', { controlled: true });
  world.load({ version: 'new', precache: ['assets/site.css'] });
  // the cache of a deploy before the old one, left behind (a worker stopped while it took over): older copies
  (await world.leftBehind('dir-older')).put(SCOPE + 'v/2/', new FakeResponse('王庄村（旧）'));
  (await world.caches.open('dir-older')).put(SCOPE + 'v/3/', new FakeResponse('张庄村'));
  await world.lifecycle('install');
  await world.lifecycle('activate');
  assert.deepEqual(await world.caches.keys(), ['dir-new']);
  const entries = world.stores.get('dir-new').entries;
  assert.deepEqual([...entries.keys()].sort(), ['assets/site.css', 'offline/', 'v/1/', 'v/2/', 'v/3/'].map((path) => SCOPE + path));
  assert.equal(entries.get(SCOPE + 'v/3/').body, '张庄村');
  assert.equal(entries.get(SCOPE + 'v/1/').body, '前董村（新）');  // fresh: it was open
  assert.equal(entries.get(SCOPE + 'v/2/').body, '<h1>v/2/</h1>');  // the latest the phone saw, not an older deploy's
  assert.equal(entries.get(SCOPE + 'offline/').body, '没有网络');
  world.online = false;
  assert.equal((await world.answer(world.request('v/2/', { mode: 'navigate' }))).body, '<h1>v/2/</h1>');
});

test('a new version drops the caches of earlier versions and keeps the current one and caches not its own', async () => {
  const world = new World().page('offline/');
  for (const name of ['dir-old1', 'dir-old2', 'other-app', 'dir-new']) await world.caches.open(name);
  world.load({ version: 'new' });
  await world.lifecycle('activate');
  assert.deepEqual((await world.caches.keys()).sort(), ['dir-new', 'other-app']);
  assert.equal(world.claimed, true);
});

test('the old caches are gone before the worker takes the pages over', async () => {
  const world = new World().page('offline/');
  await world.caches.open('dir-old');
  world.load({ version: 'new' });
  let keysAtClaim;
  world.self.clients.claim = async () => { keysAtClaim = await world.caches.keys(); };
  await world.lifecycle('install');
  await world.lifecycle('activate');
  assert.deepEqual(keysAtClaim, ['dir-new']);
});

test('with signal the network answers, even where a copy is saved, and the copy is renewed', async () => {
  const world = await installed({ version: 'v1' });
  const first = await world.answer(world.request('v/1/', { mode: 'navigate' }));
  assert.equal(first.body, '前董村');
  world.page('v/1/', '前董村（新）');  // a new deploy changed the page
  const second = await world.answer(world.request('v/1/', { mode: 'navigate' }));
  assert.equal(second.body, '前董村（新）');
  assert.equal((await world.saved('dir-v1', 'v/1/')).body, '前董村（新）');
});

test('only whole same-origin answers are saved: not a 404, not an opaque or redirected one', async () => {
  const world = await installed({ version: 'v1' });
  const missing = await world.answer(world.request('v/404/', { mode: 'navigate' }));
  assert.equal(missing.status, 404);  // shown as the server gave it
  assert.equal(await world.saved('dir-v1', 'v/404/'), undefined);
  world.server.set(SCOPE + 'x.js', Object.assign(world.server.get(SCOPE + 'v/1/').clone(), { type: 'opaque' }));
  await world.answer(world.request('x.js'));
  assert.equal(await world.saved('dir-v1', 'x.js'), undefined);
});

test('without signal a page opened before opens from the phone', async () => {
  const world = await installed();
  await world.answer(world.request('v/1/', { mode: 'navigate' }));
  await world.answer(world.request('assets/site.css'));
  world.online = false;
  assert.equal((await world.answer(world.request('v/1/', { mode: 'navigate' }))).body, '前董村');
  assert.equal((await world.answer(world.request('assets/site.css'))).body, 'body{}');
  // a page's address with a query (a shared link) is the same page
  assert.equal((await world.answer(world.request('v/1/?from=wechat', { mode: 'navigate' }))).body, '前董村');
});

test('without signal a file is its own copy: a query is part of its address', async () => {
  const world = await installed({ precache: ['assets/site.css'] });
  world.online = false;
  const other = await world.answer(world.request('assets/site.css?v=2'));
  assert.equal(other.type, 'error');
});

test('without signal a page never opened leads to the notice page, which knows where the reader wanted to go', async () => {
  const world = await installed();
  world.online = false;
  const answer = await world.answer(world.request('v/2/', { mode: 'navigate' }));
  assert.equal(answer.type, 'redirect');
  assert.equal(answer.status, 302);
  assert.equal(answer.headers.location, SCOPE + 'offline/?from=' + encodeURIComponent('/sub/v/2/'));
  const named = await world.answer(world.request('v/王庄/', { mode: 'navigate' }));
  assert.equal(named.headers.location, SCOPE + 'offline/?from=' + encodeURIComponent('/sub/v/%E7%8E%8B%E5%BA%84/'));
});

test('without signal a file never saved is a network error, not the notice page', async () => {
  const world = await installed();
  world.online = false;
  const answer = await world.answer(world.request('search/shard-9.json'));
  assert.equal(answer.type, 'error');
});

test("a weak signal: the saved copy shows after the worker's patience, not before", async () => {
  const world = await installed();
  await world.answer(world.request('v/1/', { mode: 'navigate' }));
  world.delay = 60_000;
  const event = world.request('v/1/', { mode: 'navigate' });
  assert.equal(await world.answer(event, PATIENCE - 1), 'pending');
  assert.equal((await world.answer(event, 1)).body, '前董村');
});

test('a weak signal that answers in time is what the reader sees', async () => {
  const world = await installed();
  await world.answer(world.request('v/1/', { mode: 'navigate' }));
  world.page('v/1/', '前董村（新）');
  world.delay = PATIENCE - 1;
  const answer = await world.answer(world.request('v/1/', { mode: 'navigate' }), PATIENCE);
  assert.equal(answer.body, '前董村（新）');
});

test('a weak signal and nothing saved: the worker waits for the network as long as it takes', async () => {
  const world = (await installed()).page('v/2/', '王庄村');
  world.delay = 10_000;
  const event = world.request('v/2/', { mode: 'navigate' });
  assert.equal(await world.answer(event, PATIENCE + 1000), 'pending');
  assert.equal((await world.answer(event, 10_000)).body, '王庄村');
});

test("what is not the worker's to answer goes to the network untouched: other sites, other folders, changes", async () => {
  const world = await installed();
  for (const event of [
    world.request('', { url: 'https://other.example/sub/v/1/', mode: 'navigate' }),
    world.request('', { url: 'https://fw.example/other/', mode: 'navigate' }),
    world.request('v/1/', { method: 'POST', mode: 'navigate' }),
  ]) assert.equal(event.answer, undefined, event.request.url);
  assert.deepEqual(world.fetched.filter((url) => !url.startsWith(SCOPE)), []);
});

test('the open data is the network\'s: a script fetching it gets no saved copy, and none is kept', async () => {
  const world = (await installed()).page('data/villages.csv', 'code,name');
  const event = world.request('data/villages.csv');
  assert.equal(event.answer, undefined);  // the browser fetches it itself
  assert.equal(await world.saved('dir-v1', 'data/villages.csv'), undefined);
  // the open data's own pages are pages: opened once, they open again without signal
  world.page('data/', '开放数据');
  await world.answer(world.request('data/', { mode: 'navigate' }));
  world.online = false;
  assert.equal((await world.answer(world.request('data/', { mode: 'navigate' }))).body, '开放数据');
  // a file beside the data folder, not in it, is kept as any other
  world.online = true;
  world.page('data.json', '{}');
  await world.answer(world.request('data.json'));
  assert.equal((await world.saved('dir-v1', 'data.json')).body, '{}');
});
