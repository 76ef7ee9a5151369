// A query over the index: results, their order, and what a query learns for the next.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { makeTyping, search } from '../../../overrides/assets/javascripts/search/engine.js';
import { EXACT } from '../../../overrides/assets/javascripts/search/match.js';
import { MAX_SHOWN, compareHits } from '../../../overrides/assets/javascripts/search/rank.js';
import { makeIndex } from './fixture.mjs';

const index = makeIndex();
const find = (query, { core, shelf, lists } = index) => search(core, shelf, query, lists(query));
const names = (found) => found.top.map((e) => `${e.name}@${e.code || e.phones[0] || e.url}`);

test('a village by characters, pinyin and initials; the reader’s own unit first', () => {
  for (const query of ['王庄', '王庄村委会', '王庄村民委员会', '王zhuang']) {
    assert.deepEqual(names(find(query)).slice(0, 3), ['王庄村@371502102202', '王庄村@371502101201', '王庄村@371523003205'], query);
    // from the other unit, its own first
    assert.equal(find(query, makeIndex({}, { county: '371523', city: '' })).top[0].code, '371523003205', query);
  }
  for (const query of ['wangzhuang', 'wz', 'wang zhuang']) {
    assert.deepEqual(names(find(query)).slice(0, 4), ['汪庄@371502101202', '王庄村@371502102202', '王庄村@371502101201', '王庄村@371523003205'], query);
  }
  assert.deepEqual(names(find('王庄 沙镇')), ['王庄村@371502101201']);
  assert.deepEqual(names(find('wangzhuang shazhen')), ['汪庄@371502101202', '王庄村@371502101201']);
});

test('exact before start before inside; one word before two', () => {
  const found = find('wangzhuang');
  assert.deepEqual(found.top.slice(0, 3).map((e) => e.name), ['汪庄', '王庄村', '王庄村']);
  assert.equal(found.best.place, EXACT);
  assert.deepEqual(find('庄').top.map((e) => e.name).slice(0, 1), ['汪庄']);
});

test('nearer places first among equals, a whole name before a nearer start', () => {
  const there = makeIndex({}, { county: '371523', city: '' });
  assert.equal(find('hujia', there).top[0].name, '胡家村');  // exact, though further
  assert.equal(find('hujia', there).top[1].name, '胡家庄村');
  assert.equal(find('胡家', there).top[0].name, '胡家村');
  assert.equal(find('王庄村', there).top[0].code, '371523003205');
});

test('a rare reading after the near place', () => {
  assert.deepEqual(find('luzhuang').top.map((e) => e.name), ['吕庄村']);
  assert.equal(find('yuzhuang').top[0].name, '余庄村');  // yu is 余's reading and only rarely 王's
});

test('advisors by name and by phone digits; the hotline by its number', () => {
  assert.equal(find('吴龙成').top[0].kind, 'advisor');
  assert.equal(find('wulongcheng').top[0].name, '吴龙成');
  assert.deepEqual(names(find('56775')), ['吴龙成@13245356775']);
  assert.deepEqual(names(find('132 4535 6775')), ['吴龙成@13245356775']);
  assert.equal(find('12348').top[0].name, '12348 公共法律服务热线');
  assert.equal(find('0635-12348').top[0].name, '12348 公共法律服务热线');
});

test('pages by title, pinyin and everyday words', () => {
  assert.equal(find('求法援').top[0].url, '/guides/legal-aid/');
  assert.equal(find('qiufayuan').top[0].url, '/guides/legal-aid/');
  assert.equal(find('离婚').top[0].url, '/guides/lawyer/');
  assert.equal(find('欠薪怎么办').top[0].url, '/guides/legal-aid/');
});

test('the count, the first ten, and the terms as typed', () => {
  const found = find('c');
  assert.ok(found.count > 0 && found.top.length <= MAX_SHOWN && found.complete);
  assert.deepEqual(find('xqxq').top, []);
  assert.equal(find('xqxq').best, null);
  assert.deepEqual(find('wang zhuang').terms.map((t) => t.text), ['wang', 'zhuang']);
});

test('a query that goes on from the last tries only what the last let through, with the same answer', () => {
  const { core, shelf, lists } = makeIndex();
  const typedOn = makeTyping(core);
  const fresh = (query) => names(search(core, shelf, query, lists(query)));
  for (const query of ['w', 'wa', 'wan', 'wang', 'wang ', 'wang z', 'wang zh', 'wang zhuang', 'wang zhuang s', 'wang zhuang sha']) {
    const chained = names(search(core, shelf, query, lists(query), typedOn(query.trim())));
    assert.deepEqual(chained, fresh(query), query);
  }
  const a = typedOn('wang'), b = typedOn('wang z');
  assert.equal(b.from, a.id);
  assert.equal(typedOn('王').from, -1);  // characters are searched afresh
  assert.equal(typedOn('王').id, typedOn('王').id);
  const other = makeTyping(core);  // a second box on the page numbers its queries apart
  assert.notEqual(other('wang').id, typedOn('wang zh').id);
});

test('a slice stops at the deadline after the first lists and says it is not complete', () => {
  const { core, shelf, lists } = makeIndex();
  const many = lists('z').concat(Array.from({ length: 3 }, () => lists('w')[1].concat(lists('w')[1])));
  const found = search(core, shelf, 'z', many, undefined, { all: 1, until: -1 });
  assert.equal(found.complete, true);  // fewer than 256 entries: the clock is read every 256
  const copies = Array.from({ length: 60 }, () => lists('w')[1].map((e) => ({ ...e, seen: 0 }))).flat();
  assert.ok(copies.length > 256);
  const cut = search(core, shelf, 'w', [core.entries, copies, lists('w')[1]], undefined, { all: 1, until: -1 });
  assert.equal(cut.complete, false);
});

test('results order by every key in turn', () => {
  const entry = (over) => ({ near: 0, kind: 'village', name: '王庄村', position: 0, ...over });
  const match = (over) => ({ words: 0, place: 0, rareReading: false, shortened: false, ...over });
  const hit = (e, m) => ({ entry: entry(e), match: match(m) });
  const order = [
    hit({}, {}),
    hit({ position: 1 }, {}),
    hit({ name: '王庄集村' }, {}),
    hit({ kind: 'advisor' }, {}),
    hit({}, { rareReading: true }),
    hit({ near: 1 }, {}),
    hit({}, { shortened: true }),
    hit({}, { place: 1 }),
    hit({}, { words: 1 }),
  ];
  for (let i = 0; i + 1 < order.length; i++) {
    assert.ok(compareHits(order[i], order[i + 1]) < 0, String(i));
    assert.ok(compareHits(order[i + 1], order[i]) > 0, String(i));
  }
  assert.equal(compareHits(order[0], hit({}, {})), 0);
});

test('the same query again takes what it found before; a new one after it is searched afresh', () => {
  const { core, shelf, lists } = makeIndex();
  const typedOn = makeTyping(core);
  const once = names(search(core, shelf, 'wangzhuang', lists('wangzhuang'), typedOn('wangzhuang')));
  const again = names(search(core, shelf, 'wangzhuang', lists('wangzhuang'), typedOn('wangzhuang')));
  assert.deepEqual(again, once);
  assert.equal(search(core, shelf, 'wangzhuang', lists('wangzhuang'), typedOn('wangzhuang')).count, 4);
  // characters after letters: not chained, found whole
  assert.deepEqual(names(search(core, shelf, '王庄', lists('王庄'), typedOn('王庄'))), names(find('王庄')));
  // a letter taken back: searched afresh, not from the longer query's notes
  assert.deepEqual(names(search(core, shelf, 'wangzhuan', lists('wangzhuan'), typedOn('wangzhuan'))), names(find('wangzhuan')));
});

test('the first ten are the ten best of all, in order, whatever order the lists come in', () => {
  const { core, shelf, lists } = makeIndex();
  const all = lists('c').flat();
  const found = search(core, shelf, 'c', [all]);
  const reversed = search(core, shelf, 'c', [all.slice().reverse()]);
  assert.deepEqual(names(reversed), names(found));
  assert.ok(found.count > MAX_SHOWN, String(found.count));
  assert.equal(found.top.length, MAX_SHOWN);
});

test('a term of two joined words is matched with their shards; more than 31 terms still match', () => {
  const { core, shelf, lists } = makeIndex();
  assert.equal(search(core, shelf, 'wang zhuang', lists('wang zhuang')).top[0].name, '汪庄');
  const many = Array.from({ length: 9 }, () => 'w').join(' ');
  assert.ok(search(core, shelf, many, lists(many)).count > 0);
});
