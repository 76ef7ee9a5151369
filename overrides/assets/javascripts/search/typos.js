// @ts-check
/* Slips of the hand in pinyin: two letters swapped, a letter doubled, dropped or extra, a
   neighbouring key of a phone's keyboard, or any letter wrong. When a query finds nothing, or only
   by reading its letters as a muddle of whole and cut syllables (aihsan as ai-h-san), the query
   with one pinyin word corrected is searched, and the best correction's results are shown. */

import { search } from './engine.js';
import { EXACT, MIXED, WHOLE, compareMatches } from './match.js';
import { readsAsPinyin } from './pinyin.js';
import { isLoaded, listsFor, shardsFor } from './shards.js';
import { isLatin, wordsOf } from './text.js';

/** @typedef {import('./index.js').Core} Core */
/** @typedef {import('./index.js').Entry} Entry */
/** @typedef {import('./pinyin.js').Syllables} Syllables */
/** @typedef {import('./shards.js').Shelf} Shelf */
/** @typedef {ReturnType<typeof search>} Found */
/** @typedef {{fixed: string, text: string, slip: number}} Candidate */
/** @typedef {{text: string, found: Found, score: number[]}} Correction */

/** Slips, likeliest first: the candidate's `slip`. */
export const SWAPPED = 0, DOUBLED = 0, DROPPED = 1, NEIGHBOUR = 1, EXTRA = 2, WRONG = 3;

/** Shard files a query's corrections may fetch, besides what is in: a typo must not fetch half a province. */
export const MAX_FETCH = 6;

/** Corrections searched for one query, the likeliest first. */
export const MAX_TRIES = 120;

const ROWS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'];

/**
 * The keys around each letter on a phone's keyboard: beside it, and above or below it (each row
 * sits half a key to the right of the one above).
 * @returns {Map<string, string>}
 */
export function neighbours() {
  const out = new Map();
  ROWS.forEach((row, r) => {
    for (let i = 0; i < row.length; i++) {
      let near = (row[i - 1] || '') + (row[i + 1] || '');
      if (r > 0) near += ROWS[r - 1].slice(i, i + 2);
      if (r + 1 < ROWS.length) near += ROWS[r + 1].slice(Math.max(0, i - 1), i + 1);
      out.set(row[i], near);
    }
  });
  return out;
}
const AROUND = neighbours();

/**
 * The words one slip away from `word` that read as pinyin, each with its likeliest slip, in a
 * fixed order.
 * @param {Syllables} syllables
 * @param {string} word
 * @returns {Map<string, number>}
 */
export function slipsAway(syllables, word) {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  /** @type {Map<string, number>} */
  const out = new Map();
  const add = (/** @type {string} */ w, /** @type {number} */ slip) => {
    const known = out.get(w);
    if (known === undefined || slip < known) out.set(w, slip);
  };
  for (let i = 0; i <= word.length; i++) {
    const head = word.slice(0, i), tail = word.slice(i);
    if (tail) add(head + tail.slice(1), tail[0] === tail[1] || tail[0] === word[i - 1] ? DOUBLED : EXTRA);
    if (tail.length > 1 && tail[0] !== tail[1]) add(head + tail[1] + tail[0] + tail.slice(2), SWAPPED);
    for (const c of letters) {
      if (tail && c !== tail[0]) add(head + c + tail.slice(1), (AROUND.get(tail[0]) || '').includes(c) ? NEIGHBOUR : WRONG);
      add(head + c + tail, DROPPED);
    }
  }
  out.delete(word);
  for (const w of Array.from(out.keys())) if (w.length < 2 || readsAsPinyin(syllables, w) === 0) out.delete(w);
  return out;
}

/**
 * The query with one pinyin word (of three letters or more) one slip away, the likeliest slips
 * and those that read as whole syllables first, at most MAX_TRIES.
 * @param {Core} core
 * @param {string} query
 * @returns {Candidate[]}
 */
export function candidates(core, query) {
  const words = wordsOf(query);
  /** @type {(Candidate & {reads: number, at: number})[]} */
  const tries = [];
  words.forEach((word, i) => {
    if (!isLatin(word) || word.length < 3) return;
    for (const [fixed, slip] of slipsAway(core.syllables, word)) {
      tries.push({ fixed, text: words.map((w, j) => (j === i ? fixed : w)).join(' '), slip,
        reads: readsAsPinyin(core.syllables, fixed), at: tries.length });
    }
  });
  tries.sort((a, b) => b.reads - a.reads || a.slip - b.slip || a.at - b.at);
  return tries.slice(0, MAX_TRIES).map(({ fixed, text, slip }) => ({ fixed, text, slip }));
}

/**
 * Whether a query's results call for corrections: it found nothing, or only by a muddle of whole
 * and cut syllables.
 * @param {Found} found
 */
export const needsCorrection = (found) => !found.best || found.best.shortened === MIXED;

/**
 * The shard files the likeliest corrections need first that are not in, at most MAX_FETCH (those
 * of the candidates that read as whole syllables, in their order).
 * @param {Core} core
 * @param {Shelf} shelf
 * @param {Candidate[]} tries
 */
export function filesToFetch(core, shelf, tries) {
  /** @type {Set<string>} */
  const out = new Set();
  for (const t of tries) {
    if (readsAsPinyin(core.syllables, t.fixed) < 2) break;
    const missing = shardsFor(core, wordsOf(t.text)).first.filter((path) => !isLoaded(shelf, path) && !shelf.failed.has(path));
    if (out.size + missing.filter((path) => !out.has(path)).length > MAX_FETCH) continue;
    for (const path of missing) out.add(path);
  }
  return Array.from(out);
}

/**
 * How good a correction is that finds something, as keys compared in order, higher first: it reads
 * as whole syllables, then its best result reads it so (no syllable cut short, the last whole), then
 * the likelier slip, then it is the longest (a letter left out is commoner than one too many:
 * dongcangfu → dongchangfu rather than dongcangcu), then finds a whole name, then finds the most
 * (wangzhaung → wangzhuang, 28 villages called 王庄, rather than wangzhang).
 * @param {Core} core
 * @param {Candidate} t
 * @param {Found} found
 */
export function score(core, t, found) {
  const best = found.best;
  return [readsAsPinyin(core.syllables, t.fixed), best && best.shortened === WHOLE ? 1 : 0, best && !best.lastCut ? 1 : 0,
    -t.slip, t.fixed.length, best && best.place === EXACT ? 1 : 0, found.count];
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
 * A correction searched over what is in (its shards, and `extra` lists such as the near files), or
 * null when it finds nothing or needs a shard that is not in and no extra list stands for it.
 * @param {Core} core
 * @param {Shelf} shelf
 * @param {Candidate} t
 * @param {Entry[][]} extra
 * @param {Set<string> | null} [kinds]
 * @returns {Correction | null}
 */
export function tryCorrection(core, shelf, t, extra, kinds) {
  const needed = shardsFor(core, wordsOf(t.text)), all = needed.first.concat(needed.later);
  if (!extra.length && !all.every((path) => isLoaded(shelf, path))) return null;
  const found = search(core, shelf, t.text, listsFor(core, shelf, all).concat(extra), undefined, undefined, kinds);
  return found.count ? { text: t.text, found, score: score(core, t, found) } : null;
}

/**
 * Whether a correction's results are better than the query's own: it found nothing, or the
 * correction's best result matches better.
 * @param {Correction} correction
 * @param {Found} found
 */
export const beats = (correction, found) =>
  !found.best || (!!correction.found.best && compareMatches(correction.found.best, found.best) < 0);

/**
 * The best correction of a query, given to `done` (null: none finds anything), unless the query
 * went stale first. The likeliest corrections' shards are fetched first (`fetchFiles`); then each
 * correction is one search, one per task, after the keystroke's own answer is on screen: typing
 * stays quick, and `stale()` (another keystroke) drops the rest.
 * @param {Core} core
 * @param {Shelf} shelf
 * @param {string} query
 * @param {{stale: () => boolean, fetchFiles: (paths: string[]) => Promise<unknown>, extra: () => Entry[][],
 *   kinds?: Set<string> | null}} how
 * @param {(best: Correction | null) => void} done
 */
export function correct(core, shelf, query, how, done) {
  const tries = candidates(core, query);
  /** @type {Correction | null} */
  let best = null;
  const step = (/** @type {number} */ at) => {
    if (how.stale()) return;
    if (at === tries.length) { done(best); return; }
    const found = tryCorrection(core, shelf, tries[at], how.extra(), how.kinds);
    if (found && isBetter(found.score, best)) best = found;
    setTimeout(step, 0, at + 1);
  };
  how.fetchFiles(filesToFetch(core, shelf, tries)).then(() => setTimeout(step, 0, 0));
}
