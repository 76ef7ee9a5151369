// A village's or advisor's page: what 读给我听 reads; the offline page's list of saved pages.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { canSpeak, spokenNumber, spokenText } from '../../../overrides/assets/javascripts/page.js';
import { isPage, titleOf } from '../../../overrides/assets/javascripts/saved.js';

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
