// @ts-check
/* Pinyin as the index knows it: its syllables, and whether letters read as them (typos.js builds
   its corrections on both). */

/** @typedef {{whole: Set<string>, starts: Set<string>}} Syllables */

/**
 * Every syllable of the index (py, py2), and every start of one: a typo's correction must read as
 * whole syllables, its last one perhaps still being typed.
 * @param {{py: Record<string, string>, py2: Record<string, string>}} data
 * @returns {Syllables}
 */
export function syllableSet(data) {
  const whole = new Set(Object.keys(data.py).concat(Object.keys(data.py2)));
  const starts = new Set();
  for (const s of whole) for (let i = 1; i <= s.length; i++) starts.add(s.slice(0, i));
  return { whole, starts };
}

/**
 * Whether the letters split into whole syllables of the index (2), into syllables whose last one is
 * cut short (1: still being typed), or not at all (0).
 * @param {Syllables} syllables
 * @param {string} word
 */
export function readsAsPinyin(syllables, word) {
  const ok = new Array(word.length + 1).fill(false);
  ok[0] = true;
  let cut = false;
  for (let i = 0; i < word.length; i++) {
    if (!ok[i]) continue;
    for (let j = i + 1; j <= Math.min(word.length, i + 6); j++) {
      const piece = word.slice(i, j);
      if (syllables.whole.has(piece)) ok[j] = true;
      else if (j === word.length && syllables.starts.has(piece)) cut = true;
    }
  }
  return ok[word.length] ? 2 : cut ? 1 : 0;
}
