// What the box holds, as the index writes it.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { digitsOf, isLatin, normalize, simplifiedMap, wordsOf } from '../../../overrides/assets/javascripts/search/text.js';

const simplified = simplifiedMap('東东莊庄區区');

test('full-width, capitals, ü and traditional characters become what the index writes', () => {
  assert.equal(normalize('ＷＡＮＧＺＨＵＡＮＧ', simplified), 'wangzhuang');
  assert.equal(normalize('LÜZHUANG', simplified), 'lvzhuang');
  assert.equal(normalize('lu:zhuang', simplified), 'lvzhuang');
  assert.equal(normalize('東昌府區', simplified), '东昌府区');
  assert.equal(normalize('  王莊 \u3000', simplified), '王庄');
  assert.equal(normalize('１２３４８', new Map()), '12348');
});

test('words, letters, digits', () => {
  assert.deepEqual(wordsOf('王庄  沙镇,堂邑，a、b'), ['王庄', '沙镇', '堂邑', 'a', 'b']);
  assert.deepEqual(wordsOf(''), []);
  assert.ok(isLatin('wang') && !isLatin('wang1') && !isLatin('王') && !isLatin(''));
  assert.equal(digitsOf('0635-1234 5'), '0635123 45'.replace(' ', ''));
  assert.deepEqual(Array.from(simplifiedMap('東东莊')), [['東', '东']]);
});
