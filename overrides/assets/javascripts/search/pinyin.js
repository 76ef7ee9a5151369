// @ts-check
/* Pinyin as the index knows it: its syllables, whether letters read as them, and the words one
   slip of the hand away (typos). */

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

/**
 * The words one edit away from `word` that read as pinyin, in a fixed order: a letter too many,
 * two letters swapped, one letter wrong, one letter missing.
 * @param {Syllables} syllables
 * @param {string} word
 */
export function oneEditAway(syllables, word) {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const out = new Set();
  for (let i = 0; i <= word.length; i++) {
    const head = word.slice(0, i), tail = word.slice(i);
    if (tail) out.add(head + tail.slice(1));                                     // one letter too many
    if (tail.length > 1) out.add(head + tail[1] + tail[0] + tail.slice(2));       // two letters swapped
    for (const c of letters) {
      if (tail) out.add(head + c + tail.slice(1));                               // one letter wrong
      out.add(head + c + tail);                                                  // one letter missing
    }
  }
  out.delete(word);
  return Array.from(out).filter((w) => w.length >= 2 && readsAsPinyin(syllables, w) > 0);
}
