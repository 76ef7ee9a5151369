// @ts-check
/* Which shard files a query needs, and the shelf of those fetched. generator/site/search.py says
   what a key holds. */

import { isLatin } from './text.js';

/** @typedef {import('./index.js').Core} Core */
/** @typedef {import('./index.js').Entry} Entry */

/**
 * The shard files fetched for this page: a path's entries once in, its promise while it is coming;
 * `failed`: those that could not be fetched for the query on screen (no signal).
 * @typedef {{files: Map<string, {entries?: Entry[], pending?: Promise<void>}>, failed: Set<string>}} Shelf
 */

/** @returns {Shelf} */
export const makeShelf = () => ({ files: new Map(), failed: new Set() });

/** Whether a shard file is in. */
export const isLoaded = (/** @type {Shelf} */ shelf, /** @type {string} */ path) => {
  const file = shelf.files.get(path);
  return !!file && !file.pending;
};

/**
 * What a query is matched against: the core's entries, then those of each shard file that is in.
 * @param {Core} core
 * @param {Shelf} shelf
 * @param {string[]} paths
 * @returns {Entry[][]}
 */
export function listsFor(core, shelf, paths) {
  const lists = [core.entries];
  for (const path of paths) {
    const file = shelf.files.get(path);
    if (file && file.entries) lists.push(file.entries);
  }
  return lists;
}

/**
 * The first letters of a character's readings, as generator/site/search.py keys names; '_' when it has none.
 * @param {Core} core
 * @param {string} ch
 */
export function lettersOf(core, ch) {
  if (/[a-z]/.test(ch)) return [ch];
  const readings = core.readings.get(ch);
  return readings ? Array.from(new Set(readings.map((r) => r[0]))).sort() : ['_'];
}

/**
 * The shard keys one word of the query needs. A character matches only itself, and a name is listed
 * under every reading of each of its characters: any one of its letters finds it. A pinyin word's
 * first character may take one letter, two…, or the whole first syllable (wangzhuang: w-a…, wa-n…,
 * wan-g…, wang-z…): the letter after each such start is a key; a word that may be one syllable
 * needs the one-letter key.
 * @param {Core} core
 * @param {string} word
 */
export function keysOf(core, word) {
  const digits = word.replace(/-/g, '');
  if (/^\d{3,}$/.test(digits)) return ['d' + digits.slice(0, 3)].concat(digits.length >= 6 ? ['n' + digits.slice(0, 6)] : []);
  const chars = Array.from(word);
  const letter = (/** @type {string} */ ch) => lettersOf(core, ch)[0];
  if (!/[a-z]/.test(chars[0])) return [chars.length > 1 ? letter(chars[0]) + letter(chars[1]) : letter(chars[0])];
  const keys = new Set();
  for (let k = 1; k <= chars.length && k <= 6; k++) {
    if (!/[a-z]/.test(chars[k - 1]) || !core.syllables.starts.has(chars.slice(0, k).join(''))) break;
    keys.add(k === chars.length ? chars[0] : chars[0] + letter(chars[k]));
  }
  return Array.from(keys);
}

/**
 * A shard's files: the whole shard's (region ''), or each region's piece's, by region.
 * @param {Core} core
 * @param {string} key
 * @returns {Record<string, string>}
 */
export function shardFiles(core, key) {
  const shard = core.shards[key];
  if (typeof shard === 'string') return { '': `${core.root}search/${key}.${shard}.json` };
  /** @type {Record<string, string>} */
  const out = {};
  for (const region of Object.keys(shard || {})) out[region] = `${core.root}search/${key}-${region}.${shard[region]}.json`;
  return out;
}

/**
 * A word's shard keys, when every file of them is in (so an entry not noted under one is in none); else null.
 * @param {Core} core
 * @param {Shelf} shelf
 * @param {string} word
 */
export function loadedKeys(core, shelf, word) {
  const keys = keysOf(core, word);
  for (const key of keys) {
    const files = shardFiles(core, key);
    if (!Object.keys(files).every((region) => isLoaded(shelf, files[region]))) return null;
  }
  return keys;
}

/** The region whose pieces come first: the reader's city in a province's index, else its county-level unit. */
export const myRegion = (/** @type {Core} */ core) => core.region === 'city' ? core.here.city : core.here.county;

/**
 * The shard files a query needs, in two tiers: those the first results wait for (a whole shard, or
 * the reader's region's piece of a split one, or any piece for a reader nowhere in particular),
 * then the other regions' pieces, fetched after.
 * @param {Core} core
 * @param {string[]} words
 */
export function shardsFor(core, words) {
  /** @type {string[]} */
  const first = [];
  /** @type {string[]} */
  const later = [];
  const mine = myRegion(core);
  // Pinyin words may be one name's syllables (wang zhuang → wangzhuang, readingsOfWords): the joined
  // words' shards too, which are smaller than a syllable's own (wz, not w) and let mayMatch pass
  // over most entries.
  const joined = [];
  for (let i = 0; i < words.length; i++) {
    let text = words[i];
    for (let j = i + 1; j < words.length && j <= i + 3 && isLatin(text) && isLatin(words[j]); j++) joined.push(text += words[j]);
  }
  for (const word of words.concat(joined)) {
    for (const key of keysOf(core, word)) {
      const files = shardFiles(core, key);
      for (const region of Object.keys(files)) (!region || region === mine || !mine ? first : later).push(files[region]);
    }
  }
  return { first: Array.from(new Set(first)), later: Array.from(new Set(later)) };
}

/**
 * A shard file's key: search/wz.<digest>.json → wz, search/w-3715.<digest>.json → w; the near file has none.
 * @param {string} path
 */
export function keyOf(path) {
  const key = (path.split('/').pop() || '').split('.')[0].split('-')[0];
  return key === 'near' ? '' : key;
}

/**
 * The file of every village and advisor of the reader's own region ('' when the page is nowhere in
 * particular): generator/site/search.py's "near".
 * @param {Core} core
 */
export function nearFile(core) {
  const mine = myRegion(core);
  const digest = mine && core.near[mine];
  return digest ? `${core.root}search/near-${mine}.${digest}.json` : '';
}

/**
 * The near files of the reader's whole city, which the service worker keeps from the first visit
 * (generator/site/search.py, offline_files): its own in a province's index, every county-level
 * unit's in a city's; none for a reader nowhere in particular in a province.
 * @param {Core} core
 */
export function cityNearFiles(core) {
  const regions = core.region === 'city' ? (core.here.city ? [core.here.city] : []) : Object.keys(core.near);
  return regions.filter((region) => core.near[region]).map((region) => `${core.root}search/near-${region}.${core.near[region]}.json`);
}
