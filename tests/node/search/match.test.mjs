// Matching one term against one name: characters, full pinyin, initials and all between, readings.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  EXACT, INITIALS, IN_TEXT, INSIDE, MIXED, NEAR_MISS, START, WHOLE, compareMatches, inOrder, matchDigits, matchEntry, matchKeywords, matchName,
  parseTerm, readingsOfWords,
} from '../../../overrides/assets/javascripts/search/match.js';
import { makeIndex } from './fixture.mjs';

const { core } = makeIndex();
const name = (text) => core.searchable(text);
const term = (text) => parseTerm(text, core.suffixes);
const match = (text, query) => matchName(name(text), term(query));

test('characters match as a substring: exact, start, inside', () => {
  assert.equal(match('王庄村', '王庄村').place, EXACT);
  assert.equal(match('王庄村', '王庄').place, EXACT);  // an ending one may leave out
  assert.equal(match('王庄村', '王').place, START);
  assert.equal(match('王庄村', '庄').place, INSIDE);
  assert.equal(match('王庄村', '李'), null);
});

test('pinyin matches readings: whole syllables, initials, and a last syllable still being typed', () => {
  const m = (place, shortened, lastCut, rareReading = false) => ({ words: 0, place, rareReading, shortened, lastCut, fit: 0 });
  assert.deepEqual(match('王庄村', 'wangzhuang'), m(EXACT, WHOLE, false));
  assert.deepEqual(match('王庄村', 'wz'), m(EXACT, INITIALS, true));
  assert.deepEqual(match('王庄村', 'wzc'), m(EXACT, INITIALS, true));
  assert.deepEqual(match('胡家庄村', 'hj'), m(START, INITIALS, true));
  assert.deepEqual(match('王庄村', 'wangzh'), m(EXACT, WHOLE, true));
  assert.deepEqual(match('王庄村', 'wangzhuangc'), m(EXACT, WHOLE, true));
  assert.deepEqual(match('王庄村', 'wzhuang'), m(EXACT, MIXED, false));  // a whole syllable after a cut one
  assert.deepEqual(match('王庄村', 'wazhuang'), m(EXACT, MIXED, false));  // cut after two letters
  assert.deepEqual(match('王庄村', 'wangzcun'), m(EXACT, MIXED, false));
  assert.deepEqual(match('胡集村', 'huji'), m(EXACT, WHOLE, false));
  assert.deepEqual(match('胡家村', 'huji'), m(EXACT, WHOLE, true));  // ji is jia cut: the last syllable
  assert.equal(match('胡家庄村', 'hujia').place, START);
  assert.equal(match('王庄村', 'zhuang').place, INSIDE);
  assert.equal(match('王庄村', 'wangzhaung'), null);
  assert.equal(match('王庄村', 'wangzhuangcunx'), null);
});

test('a less common reading matches, marked', () => {
  assert.deepEqual(match('吕庄村', 'luzhuang'), { words: 0, place: EXACT, rareReading: true, shortened: WHOLE, lastCut: false, fit: 0 });
  assert.equal(match('吕庄村', 'lvzhuang').rareReading, false);
  assert.equal(match('王庄村', 'yuzhuang').rareReading, true);
});

test('the better of two matches', () => {
  const a = { words: 0, place: EXACT, rareReading: false, shortened: WHOLE, lastCut: false, fit: 0 };
  assert.ok(compareMatches(a, { ...a, place: START }) < 0);
  assert.ok(compareMatches(a, { ...a, words: 1 }) < 0);
  assert.ok(compareMatches({ ...a, place: START }, { ...a, words: 1 }) < 0);
  assert.ok(compareMatches(a, { ...a, rareReading: true }) < 0);
  assert.ok(compareMatches({ ...a, shortened: INITIALS }, { ...a, rareReading: true }) < 0);  // a reading before a cut
  assert.ok(compareMatches(a, { ...a, shortened: INITIALS }) < 0);
  assert.ok(compareMatches({ ...a, shortened: INITIALS }, { ...a, shortened: MIXED }) < 0);
  assert.ok(compareMatches({ ...a, place: START }, { ...a, lastCut: true }) < 0);  // a whole last syllable before the place
  assert.ok(compareMatches({ ...a, place: START }, { ...a, place: INSIDE, lastCut: false }) < 0);
  assert.ok(compareMatches({ ...a, fit: -4 }, { ...a, fit: -2 }) < 0);  // more of a page's keywords
  assert.ok(compareMatches({ ...a, place: START, fit: -9 }, a) > 0);
  assert.equal(compareMatches(a, { ...a }), 0);
});

test('a term: digits with dashes are a number; an official suffix may be left off', () => {
  assert.deepEqual([term('132-4535').digits, term('132-4535').text], [true, '1324535']);
  assert.equal(term('12').digits, false);
  assert.equal(term('wang').latin, true);
  assert.equal(term('王').latin, false);
  assert.deepEqual(term('王庄村民委员会').forVillages.map((t) => t.text), ['王庄村民委员会', '王庄']);
  assert.deepEqual(term('王庄').forVillages.map((t) => t.text), ['王庄']);
  assert.deepEqual(term('村民委员会').forVillages.map((t) => t.text), ['村民委员会']);
});

test('digits: anywhere in a phone, the start of a code from six digits, a page text from five', () => {
  const { lists } = makeIndex();
  const advisor = lists('132').flat().find((e) => e.kind === 'advisor' && e.name === '吴龙成');
  assert.equal(matchDigits(advisor, '13245356775').place, EXACT);
  assert.equal(matchDigits(advisor, '132').place, START);
  assert.equal(matchDigits(advisor, '56775').place, INSIDE);
  assert.equal(matchDigits(advisor, '99999'), null);
  const township = core.entries.find((e) => e.name === '堂邑镇');
  assert.equal(matchDigits(township, '371502102').place, EXACT);
  assert.equal(matchDigits(township, '371502').place, START);
  assert.equal(matchDigits(township, '37150'), null);
  const page = core.pages[0];
  page.body = { text: '拨打 0635-12348', digits: '拨打 063512348' };
  assert.equal(matchDigits(page, '063512348').place, IN_TEXT);
  assert.equal(matchDigits(page, '1234'), null);
  page.body = null;
});

test("a page's keywords: whole, start, or inside a question", () => {
  const page = core.pages[0];  // 欠薪, 工伤
  assert.equal(matchKeywords(page, term('欠薪')).place, EXACT);
  assert.equal(matchKeywords(page, term('工')), null);  // one character starts too much
  assert.equal(matchKeywords(page, term('欠')), null);
  assert.equal(matchKeywords(core.pages[1], term('离')), null);
  assert.equal(matchKeywords(page, term('老板欠薪怎么办')).place, INSIDE);
  assert.equal(matchKeywords(page, term('老板欠薪怎么办')).fit, -4);
  assert.deepEqual(matchKeywords(page, term('欠我薪水')), { ...matchKeywords(page, term('欠薪')), place: INSIDE, fit: -2 });
  assert.equal(matchKeywords(page, term('欠薪又工伤')).fit, -8);  // two keywords held fit better than one
  assert.equal(matchKeywords(page, term('欠薪')).fit, -4);
  assert.equal(matchKeywords(page, term('工伤')).place, EXACT);
  assert.equal(matchKeywords(page, term('12348')), null);
  assert.equal(matchKeywords(page, term('qianxin')), null);
});

test('an entry matches when every term matches it or its context, one at least itself', () => {
  const { lists } = makeIndex();
  const wangzhuang = lists('wz').flat().find((e) => e.code === '371502101201');
  const terms = (query) => query.split(' ').map(term);
  assert.equal(matchEntry(core, wangzhuang, terms('王庄 沙镇')).place, EXACT);
  assert.equal(matchEntry(core, wangzhuang, terms('王庄 堂邑')), null);
  assert.equal(matchEntry(core, wangzhuang, terms('沙镇')), NEAR_MISS);
  assert.equal(matchEntry(core, wangzhuang, terms('王庄 zhangwei')).place, EXACT);  // its advisor
});

test('the ways to read spaced words: joined neighbours first, at most four joined', () => {
  assert.deepEqual(readingsOfWords(['wang', 'zhuang']), [['wangzhuang'], ['wang', 'zhuang']]);
  assert.deepEqual(readingsOfWords(['王', 'zhuang']), [['王', 'zhuang']]);
  assert.deepEqual(readingsOfWords(['a', 'b', 'c', 'd', 'e'])[0], ['abcd', 'e']);
  assert.equal(readingsOfWords(['a', 'b', 'c']).length, 4);
});

test('a keyword in plain speech: its characters in order, not too far apart', () => {
  assert.ok(inOrder(Array.from('欠钱'), '他欠我的钱不还'));
  assert.ok(inOrder(Array.from('借钱不还'), '借了钱一直不还'));
  assert.ok(!inOrder(Array.from('欠钱'), '钱欠'));
  assert.ok(!inOrder(Array.from('欠钱'), '欠了好多好多好多年的钱'));
  assert.ok(!inOrder(Array.from('欠'), '欠钱'));  // one character is no keyword in speech
  assert.ok(!inOrder(Array.from('欠钱'), '工钱'));
});
