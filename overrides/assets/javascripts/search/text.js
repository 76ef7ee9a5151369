// @ts-check
/* What the box holds, as the index writes it. */

/** The words of a query: spaces and Chinese or Latin commas part them. */
export const wordsOf = (/** @type {string} */ query) => query.split(/[\s,，、]+/).filter(Boolean);

/** Whether a word is Latin letters only (pinyin). */
export const isLatin = (/** @type {string} */ word) => /^[a-z]+$/.test(word);

/** A phone number's digits. */
export const digitsOf = (/** @type {string} */ phone) => phone.replace(/\D/g, '');

/**
 * NFKC makes full-width letters, digits and spaces (ｗａｎｇ１２３４８, from a Chinese IME) plain; then
 * lower case, ü as v (lüzhuang, Lüzhuang), and traditional characters as simplified (東昌府 → 东昌府).
 * @param {string} text
 * @param {Map<string, string>} simplified traditional → simplified, for the characters indexed
 */
export function normalize(text, simplified) {
  const plain = text.normalize('NFKC').toLowerCase().replace(/ü|u:/g, 'v');
  return Array.from(plain, (c) => simplified.get(c) || c).join('').trim();
}

/**
 * The index's traditional → simplified pairs (東东莊庄…) as a map.
 * @param {string} pairs
 */
export function simplifiedMap(pairs) {
  const chars = Array.from(pairs);
  const out = new Map();
  for (let i = 0; i + 1 < chars.length; i += 2) out.set(chars[i], chars[i + 1]);
  return out;
}
