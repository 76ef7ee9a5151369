// A village's or advisor's page: what 读给我听 reads, an old card's mark; the offline page's list of saved pages.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { canSpeak, oldCard, spokenNumber, spokenText } from '../../../overrides/assets/javascripts/page.js';
import { isPage, savedPages, titleOf } from '../../../overrides/assets/javascripts/saved.js';
import { FakeResponse, World } from '../sw/worker.mjs';

test('a phone number is read digit by digit, 1 as 幺, a pause between its groups', () => {
  assert.equal(spokenNumber('15805350004'), '幺 五 八，零 五 三 五，零 零 零 四');
  assert.equal(spokenNumber('158 0535 0004'), '幺 五 八，零 五 三 五，零 零 零 四');
  assert.equal(spokenNumber('0635-8210001'), '零 六 三 五，八 二 幺 零 零 零 幺');
  assert.equal(spokenNumber('12348'), '幺 二 三 四 八');
  assert.equal(spokenNumber(''), '');
});

test('what the button reads: the place, the advisor and role, the number', () => {
  assert.equal(spokenText({ place: '前董村，堂邑镇，东昌府区', name: '刘洋', role: '律师', phone: '15805350004' }),
    '前董村，堂邑镇，东昌府区。法律顾问：刘洋，律师。电话：幺 五 八，零 五 三 五，零 零 零 四。');
  assert.equal(spokenText({}), '。法律顾问：，。电话：。');
});

test('no window, no speech', () => {
  assert.equal(canSpeak(), false);
});

test("an old card's address (?from=<a merged village's code>) marks that village on the page that took its place", () => {
  const item = { classes: [], first: null };
  const li = { classList: { add: (c) => item.classes.push(c) }, prepend: (node) => { item.first = node; } };
  globalThis.document = {
    querySelector: (selector) => (selector === '.dir-merged li[data-code="371502102009"]' ? li : null),
    createElement: (tag) => ({ tag, textContent: '' }),
  };
  try {
    assert.equal(oldCard('?from=371502102009'), li);
    assert.deepEqual(item.classes, ['dir-merged--old']);
    assert.deepEqual(item.first, { tag: 'strong', textContent: '您扫描的是旧卡片：' });
    assert.equal(oldCard('?utm=wechat&from=371502102009&x=1'), li);
    for (const search of ['', '?from=37150210200', '?from=3715021020091', '?from=371502102008', '?xfrom=371502102009']) {
      assert.equal(oldCard(search), null, search);
    }
  } finally {
    delete globalThis.document;
  }
});

test("a saved page's title without the site's name; only pages are listed", () => {
  assert.equal(titleOf('<html><head><title>前董村（堂邑镇）村居法律顾问 - 聊城村居法律顾问</title>'), '前董村（堂邑镇）村居法律顾问');
  assert.equal(titleOf('<title>A &amp; B &lt;c&gt; &quot;d&quot; &#39;e&#39;</title>'), 'A & B <c> "d" \'e\'');
  assert.equal(titleOf('<p>no title</p>'), '');
  const root = 'https://x.example/site/';
  assert.ok(isPage('https://x.example/site/v/371502102001/', root));
  assert.ok(isPage('https://x.example/site/', root));
  assert.ok(!isPage('https://x.example/site/offline/', root));
  assert.ok(!isPage('https://x.example/site/search.json', root));
  assert.ok(!isPage('https://x.example/other/v/1/', root));
});

test("the offline page lists the pages the service worker saved, from its caches only", async () => {
  const root = 'https://x.example/site/';
  const page = (title) => new FakeResponse(`<html><head><title>${title} - 聊城村居法律顾问</title>`);
  // the Cache Storage the worker's own tests run it against, filled as the worker (generator/build/sw.js) fills it
  const world = new World();
  const saved = await world.caches.open('dir-1a2b3c');
  for (const [path, title] of [['v/371502102001/', '前董村（堂邑镇）村居法律顾问'], ['offline/', '没有网络'], ['search.json', ''],
    ['a/A0004/', '刘洋（律师）']]) await saved.put(root + path, page(title));
  await (await world.caches.open('another-app')).put(`${root}v/371502102002/`, page('王庄村（堂邑镇）村居法律顾问'));
  Object.assign(globalThis, { window: globalThis, caches: world.caches });
  try {
    assert.deepEqual(await savedPages(root), [
      [`${root}v/371502102001/`, '前董村（堂邑镇）村居法律顾问'], [`${root}a/A0004/`, '刘洋（律师）']]);
  } finally {
    delete globalThis.window;
    delete globalThis.caches;
  }
});
