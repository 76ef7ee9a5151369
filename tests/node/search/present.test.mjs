// What the list and its status line say.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { search } from '../../../overrides/assets/javascripts/search/engine.js';
import { helpRows, rowsOf, snippet, statusText } from '../../../overrides/assets/javascripts/search/present.js';
import { makeIndex } from './fixture.mjs';

const { core, shelf, lists } = makeIndex();
const find = (query) => search(core, shelf, query, lists(query));

test('a row: url, name, and the place, advisor or role', () => {
  assert.deepEqual(rowsOf(core, find('王庄 沙镇')), [['/v/371502101201/', '王庄村', '沙镇镇 · 东昌府区 · 顾问 张伟']]);
  assert.deepEqual(rowsOf(core, find('吕庄'))[0][2], '堂邑镇 · 东昌府区 · 暂无顾问');
  assert.deepEqual(rowsOf(core, find('56775')), [['/a/A0001/', '吴龙成', '堂邑镇 · 律师 · 13245356775']]);
  assert.deepEqual(rowsOf(core, find('堂邑')), [['/t/371502102/', '堂邑镇', '东昌府区']]);
});

test("a page's second line: the everyday word, else its text around the term", () => {
  const page = core.pages[0];
  assert.equal(snippet(page, find('欠薪').terms), '本站页面');  // its text not in yet
  page.body = { text: '法律援助，是国家为经济困难的群众免费提供法律咨询、代写文书、代理打官司、刑事辩护等服务。', digits: '' };
  assert.equal(snippet(page, find('欠薪').terms), '能帮您：欠薪');
  assert.equal(snippet(page, find('代理打官司').terms), '…提供法律咨询、代写文书、代理打官司、刑事辩护等服务。…');
  assert.equal(snippet(page, find('法律援助').terms), '法律援助，是国家为经济困难的群众免费提供法律…');
  assert.equal(snippet(page, find('fa').terms), '本站页面');
  page.body = null;
});

test('the status line', () => {
  assert.equal(statusText({ count: 2 }, 'x', null, {}), '找到 2 个。');
  assert.equal(statusText({ count: 2 }, 'x', null, { further: true }), '找到 2 个，正在查找其他地方…。');
  assert.equal(statusText({ count: 2 }, 'x', null, { offline: true }), '找到 2 个（没有网络：只查了附近和查过的地方）。');
  assert.equal(statusText({ count: 11 }, 'x', null, {}), '找到 11 个，显示前 10 个；加一个乡镇名（用空格隔开）可以缩小范围。');
  assert.equal(statusText({ count: 10 }, 'x', null, {}), '找到 10 个。');
  assert.equal(statusText({ count: 0 }, 'x', null, {}), '没有找到。可以换个写法：村名、乡镇名、拼音或首字母；也可以打电话问，或看服务指南：');
  assert.equal(statusText({ count: 0 }, 'x', null, { further: true }), '附近没有找到，正在查找其他地方…');
  assert.equal(statusText({ count: 0 }, 'x', null, { offline: true }), '没有网络，附近和查过的地方里没有找到。');
  assert.equal(statusText({ count: 3 }, 'wangzhaung', 'wangzhuang', {}), '没有找到“wangzhaung”。你是不是要找：wangzhuang？');
});

test('nothing found: the hotlines to call and the guides', () => {
  assert.deepEqual(helpRows(core), [
    ['tel:12348', '拨打 12348', '公共法律服务热线，免费法律咨询'],
    ['tel:063512348', '拨打 0635-12348', '公共法律服务热线，免费法律咨询'],
    ['/guides/legal-aid/', '求法援 (法律援助)', '服务指南'],
    ['/guides/lawyer/', '找律师 (律师服务)', '服务指南'],
  ]);
});
