// @ts-check
/* Typos: one letter wrong, missing, extra or two swapped, in pinyin. When nothing matches, the
   query with one pinyin word corrected. */

import { search } from './engine.js';
import { EXACT } from './match.js';
import { oneEditAway, readsAsPinyin } from './pinyin.js';
import { isLoaded, listsFor, shardsFor } from './shards.js';
import { isLatin, wordsOf } from './text.js';

/** @typedef {import('./index.js').Core} Core */
/** @typedef {import('./shards.js').Shelf} Shelf */
/** @typedef {ReturnType<typeof search>} Found */
/** @typedef {{text: string, found: Found, score: number[]}} Correction */

/**
 * The query with one pinyin word (of three letters or more) one edit away, as [the word, the query].
 * @param {Core} core
 * @param {string} query
 * @returns {[string, string][]}
 */
export function candidates(core, query) {
  const words = wordsOf(query);
  /** @type {[string, string][]} */
  const tries = [];
  words.forEach((word, i) => {
    if (!isLatin(word) || word.length < 3) return;
    for (const fixed of oneEditAway(core.syllables, word)) tries.push([fixed, words.map((w, j) => (j === i ? fixed : w)).join(' ')]);
  });
  return tries;
}

/**
 * How good a correction is that finds something, as keys compared in order, higher first: it
 * reads as whole syllables, then cuts no syllable short, then is the longest (a letter left out is
 * the commonest slip: dongcangfu → dongchangfu rather than dongcangcu, baigudiu → baigudui rather
 * than baigudu), then finds a whole name, then finds the most (wangzhaung → wangzhuang, 28 villages
 * called 王庄, rather than wangzhang).
 * @param {Core} core
 * @param {string} fixed
 * @param {Found} found
 */
export function score(core, fixed, found) {
  const best = found.best;
  return [readsAsPinyin(core.syllables, fixed), best && best.shortened ? 0 : 1, fixed.length, best && best.place === EXACT ? 1 : 0, found.count];
}

/**
 * Whether correction `a` is better than `b` (or `b` is none).
 * @param {number[]} a
 * @param {Correction | null} b
 */
export function isBetter(a, b) {
  if (!b) return true;
  const k = a.findIndex((v, i) => v !== b.score[i]);
  return k >= 0 && a[k] > b.score[k];
}

/**
 * The best correction of a query that finds nothing, given to `done` (null: none finds anything),
 * unless the query went stale first.
 * Each correction is one search of the whole index, so they are tried one per task, after the
 * keystroke's own answer is on screen: typing stays quick, and `stale()` (another keystroke) drops
 * the rest. Only what is fetched already: a correction that needs other shards (its first letters
 * differ from the query's) is not tried, to keep a typo from fetching half the province.
 * @param {Core} core
 * @param {Shelf} shelf
 * @param {string} query
 * @param {() => boolean} stale
 * @param {(best: Correction | null) => void} done
 */
export function correct(core, shelf, query, stale, done) {
  const tries = candidates(core, query);
  /** @type {Correction | null} */
  let best = null;
  const step = (/** @type {number} */ at) => {
    if (stale()) return;
    if (at === tries.length) { done(best); return; }
    const [fixed, text] = tries[at];
    const needed = shardsFor(core, wordsOf(text)), all = needed.first.concat(needed.later);
    if (all.every((path) => isLoaded(shelf, path))) {
      const found = search(core, shelf, text, listsFor(core, shelf, all));
      if (found.count) {
        const mark = score(core, fixed, found);
        if (isBetter(mark, best)) best = { text, found, score: mark };
      }
    }
    setTimeout(step, 0, at + 1);
  };
  setTimeout(step, 0, 0);
}
