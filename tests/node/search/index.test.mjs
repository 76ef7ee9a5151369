// The core decoded: entries of the hotline, cities, units, townships, retired villages and pages;
// nearness to the reader; shard records made into villages and advisors when first needed.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { search } from '../../../overrides/assets/javascripts/search/engine.js';
import { decodeCore, decodeShard, filled, makeEntry, readingsByCharacter } from '../../../overrides/assets/javascripts/search/index.js';
import { cityNearFiles } from '../../../overrides/assets/javascripts/search/shards.js';
import { coreData, makeIndex } from './fixture.mjs';

const PROVINCE = {
  cities: [['3715', '聊城市', ''], ['3701', '示例一市', 'https://one.example/']],
  counties: [['371502', '东昌府区', 0, 0], ['371523', '茌平区', 0, 0], ['370102', '一区', 0, 1]],
  townships: [['371502102', '堂邑镇', 0], ['371502101', '沙镇镇', 0], ['371523003', '温陈街道', 1], ['370102001', '一街道', 2]],
  region: 'city',
  near: { 3715: 'aa', 3701: 'bb' },
};

test('readings by character, the most common first', () => {
  const readings = readingsByCharacter({ py: { wang: '王汪', yu: '余' }, py2: { yu: '王' } });
  assert.deepEqual(readings.get('王'), ['wang', 'yu']);
  assert.deepEqual(readings.get('余'), ['yu']);
  assert.equal(readings.get('庄'), undefined);
});

test('an entry has every field, in one order', () => {
  const e = makeEntry({ kind: 'page', name: 'x', position: 3 });
  assert.deepEqual(Object.keys(e), ['kind', 'name', 'line', 'url', 'names', 'context', 'code', 'phones', 'body', 'keywords',
    'near', 'position', 'sharded', 'keys', 'raw', 'seen', 'tried', 'hit', 'found']);
  assert.deepEqual([e.line, e.url, e.code, e.near, e.sharded, e.raw, e.body], ['', '', '', 0, false, null, null]);
});

test('the core: the hotline first, units, townships, pages with their short titles as keywords', () => {
  const { core } = makeIndex();
  const [hotline] = core.entries;
  assert.deepEqual([hotline.name, hotline.line, hotline.url, hotline.phones], ['12348 公共法律服务热线', '免费法律咨询 · 12348 · 0635-12348', '/', ['12348', '063512348']]);
  assert.deepEqual(core.entries.filter((e) => e.kind === 'county').map((e) => [e.name, e.url, e.code, e.line]),
    [['东昌府区', '/c/371502/', '371502', '县（市、区）'], ['茌平区', '/c/371523/', '371523', '县（市、区）']]);
  const township = core.entries.find((e) => e.kind === 'township' && e.name === '温陈街道');
  assert.deepEqual([township.url, township.line, township.near, township.context.map((n) => n.text)], ['/t/371523003/', '茌平区', 2, ['茌平区']]);
  assert.deepEqual(core.pages.map((p) => [p.url, p.keywords]), [['/guides/legal-aid/', ['欠薪', '工伤', '求法援']], ['/guides/lawyer/', ['离婚', '找律师']]]);
  assert.deepEqual(core.searchable('王庄村').exact, ['王庄村', '王庄']);
  assert.equal(core.withoutEnding('东村'), '东村');  // two characters stay
  assert.equal(core.withoutEnding('前董村委会'), '前董');
  const bare = decodeCore(coreData({ tel: [], pages: [['stats/', '覆盖统计']] }), { county: '', city: '' }, '/');
  assert.equal(bare.entries.filter((e) => e.kind === 'page').length, 1);
  assert.deepEqual(bare.pages[0].keywords, []);  // a page without keywords gets none, not its title
});

test("a province's cities: entries at their pages, another city's on its own site; nearness by unit, then city", () => {
  const core = decodeCore(coreData(PROVINCE), { county: '371502', city: '' }, '/');
  assert.equal(core.here.city, '3715');  // from the reader's unit
  const cities = core.entries.filter((e) => e.kind === 'city');
  assert.deepEqual(cities.map((e) => [e.name, e.url, e.near]), [['聊城市', '/city/3715/', 0], ['示例一市', 'https://one.example/city/3701/', 2]]);
  const near = (name) => core.entries.find((e) => e.name === name).near;
  assert.deepEqual([near('东昌府区'), near('茌平区'), near('一区'), near('一街道')], [0, 1, 2, 2]);
  assert.equal(core.entries.find((e) => e.name === '一街道').url, 'https://one.example/t/370102001/');
  const cityOnly = decodeCore(coreData(PROVINCE), { county: '', city: '3715' }, '/');
  assert.deepEqual([cityOnly.nearness(cityOnly.counties[1]), cityOnly.nearness(cityOnly.counties[2])], [0, 2]);
  const nowhere = decodeCore(coreData(PROVINCE), { county: '', city: '' }, '/');
  assert.equal(nowhere.nearness(nowhere.counties[2]), 0);
  assert.deepEqual(cityNearFiles(core), ['/search/near-3715.aa.json']);
  assert.deepEqual(cityNearFiles(nowhere), []);
  assert.deepEqual(cityNearFiles(makeIndex().core), ['/search/near-371502.aaaa.json', '/search/near-371523.bbbb.json']);
});

test('retired villages lead to the page that took their place', () => {
  const core = decodeCore(coreData({ retired: [['鑫王庄村', '鑫王庄村委会', '堂邑镇 · 2021年并入前董村', '371523003201', '371502102009'],
    ['东王庄', '东庄王村委会', '2020年拆分', '371502102008', '371502102008']] }), { county: '371502', city: '' }, '/');
  const old = core.entries.filter((e) => e.kind === 'village');
  assert.deepEqual(old.map((e) => [e.name, e.url, e.code, e.names.length]), [
    ['鑫王庄村', '/v/371523003201/', '371502102009', 1], ['东王庄', '/v/371502102008/', '371502102008', 2]]);
  assert.deepEqual(old[0].names[0].exact, ['鑫王庄村', '鑫王庄', '鑫王庄村委会']);
});

test('shard records: one entry per village or advisor, its keys noted, its names and line made when needed', () => {
  const { core } = makeIndex();
  const [v] = decodeShard(core, { villages: [['901', '新村', 2, 0, '']] }, 'xc');
  assert.equal(v.code, '371502102901');
  assert.deepEqual(v.keys, ['xc']);
  assert.equal(v.raw !== null, true);
  assert.equal(decodeShard(core, { villages: [['901', '新村', 2, 0, '']] }, 'x')[0], v);
  assert.deepEqual(v.keys, ['xc', 'x']);
  filled(core, v);
  assert.deepEqual([v.url, v.line, v.raw, v.names.map((n) => n.text)], ['/v/371502102901/', '堂邑镇 · 东昌府区 · 暂无顾问', null, ['新村村民委员会']]);
  const [w] = decodeShard(core, { villages: [['902', '新庄', 0, 0, '张伟', '官方新庄居委会']] }, '');
  assert.deepEqual(filled(core, w).names.map((n) => n.text), ['新庄', '官方新庄居委会']);
  assert.deepEqual(w.keys, []);  // the near file has no key
  const [a] = decodeShard(core, { advisors: [[9, 'A0009', '张三', '0635-1234567', 1, null]] }, 'zs');
  assert.deepEqual([filled(core, a).url, a.line, a.context, a.phones, a.near], ['/a/A0009/', '法律服务工作者 · 0635-1234567', [], ['06351234567'], 0]);
});

test('a box that finds villages only', () => {
  const { core, shelf, lists } = makeIndex();
  const villages = new Set(['village']);
  const found = search(core, shelf, 'wz', lists('wz'), undefined, undefined, villages);
  assert.ok(found.top.length > 0 && found.top.every((e) => e.kind === 'village'));
  assert.equal(search(core, shelf, '堂邑', lists('堂邑')).top[0].kind, 'township');
  assert.equal(search(core, shelf, '堂邑', lists('堂邑'), undefined, undefined, villages).count, 0);
});
