// @ts-check
/* A query over the entries: the ways to read its words, each entry's best match, the first results
   in order, and what the box's last query learnt for the next. */

import { compareMatches, matchEntry, matchesContext, NEAR_MISS, parseTerm, readingsOfWords } from './match.js';
import { compareHits, MAX_SHOWN } from './rank.js';
import { loadedKeys } from './shards.js';
import { wordsOf } from './text.js';

/** @typedef {import('./index.js').Core} Core */
/** @typedef {import('./index.js').Entry} Entry */
/** @typedef {import('./index.js').Match} Match */
/** @typedef {import('./match.js').Term} Term */
/** @typedef {import('./shards.js').Shelf} Shelf */
/** @typedef {Term[] & {need: number}} Way */
/** @typedef {{query: string | null, id: number, from: number}} Typed */

/**
 * Whether an entry may match every term of a way, as a cheap test before matching: a village or
 * advisor can match a term itself only if it is in the term's shards (they list every name the
 * term's first letters occur in), else only by its context. `own` has the bits (readQuery) of the
 * terms whose shards list the entry (or that cannot tell); the way's other terms must match its
 * context. Without it, spaced pinyin (wang zhuang sha zhen: eight ways to read, the one-letter
 * shards of four words) matched every entry in every way.
 * @param {Entry} entry
 * @param {Way} way
 * @param {number} own
 */
export function mayMatch(entry, way, own) {
  const missing = way.need & ~own;
  if (!missing) return true;
  for (const term of way) if ((term.bit & missing) && !matchesContext(entry, term)) return false;
  return true;
}

/**
 * The ways to read the query's words, as terms. A term is made once however many ways share it
 * (wang in wang zhuang sha and in wang zhuangsha: its matches are worked out once an entry), with
 * the keys of the shards that list every name it may match, and a bit, for mayMatch: `keyBits` maps
 * a key to the bits of the terms it lists, `always` has those of the terms whose shards are not all
 * in (they may match anything). Past 31 terms (nine words or more) a term has no bit and is simply
 * matched.
 * @param {Core} core
 * @param {Shelf} shelf
 * @param {string[]} words
 */
export function readQuery(core, shelf, words) {
  /** @type {Map<string, Term>} */
  const made = new Map();
  /** @type {Map<string, number>} */
  const keyBits = new Map();
  let always = 0;
  const ways = readingsOfWords(words).map((texts) => {
    let at = 0;  // the first word a term is made of
    const terms = texts.map((text) => {
      const first = words[at];
      let joined = words[at++];
      while (at < words.length && joined.length < text.length) joined += words[at++];
      const id = text + ' ' + first;
      let term = made.get(id);
      if (!term) {
        term = parseTerm(text, core.suffixes);
        // wang zhuang read as one word, wangzhuang, starts with wang's letters: it is in wang's shards
        term.keys = loadedKeys(core, shelf, term.text) || loadedKeys(core, shelf, first);
        term.bit = made.size < 31 ? 1 << made.size : 0;
        if (term.keys) for (const key of term.keys) keyBits.set(key, (keyBits.get(key) || 0) | term.bit);
        else always |= term.bit;
        made.set(id, term);
      }
      return term;
    });
    const way = /** @type {Way} */ (Object.assign(terms, { need: terms.reduce((bits, term) => bits | term.bit, 0) }));
    return way;
  });
  return { ways, keyBits, always };
}

/**
 * The box's queries, one after another, and what each learns for the next. Pinyin is matched a
 * letter at a time, so a query of letters and spaces that the previous query starts (wang zhuang
 * sha zhe → wang zhuang sha zhen; wang zhuang → wang zhuang s) finds nothing that the previous one
 * did not let through: a village or advisor of which no way to read the previous query had every
 * term in its names or its context (township, county, advisor) has none for the new one either,
 * since every way to read it, with its new letters or word left out, is a way to read the previous
 * one, and a term matches wherever a longer one does. Such an entry is passed over; one that the
 * previous query never met (a new shard's) is tried. The same query again (its other regions'
 * shards came in) takes what it found before. Not for characters or digits: 王庄村民委员 finds
 * nothing where 王庄村民委员会 finds 王庄村 (an official suffix), nor 法律援助怎 where 法律援助怎么申请
 * finds legal aid (a keyword inside the question); two digits are text, three a phone number.
 * Each entry keeps, of the last query that tried it (tried: its number), whether it matched (hit:
 * 2, and how: found), matched only by its context (1) or not at all (0). Pages are tried every
 * time: their text comes later. Numbers are the core's (`counter`), so that two boxes on one page
 * never take each other's notes for their own.
 * @param {{queries: number}} counter
 */
export function makeTyping(counter) {
  /** @type {Typed} */
  let last = { query: null, id: 0, from: -1 };
  return (/** @type {string} */ query) => {
    const letters = /^[a-z ]+$/;
    if (query !== last.query) {
      const from = last.query !== null && letters.test(query) && letters.test(last.query)
        && query.startsWith(last.query) ? last.id : -1;
      last = { query, id: ++counter.queries, from };
    }
    return last;
  };
}

/**
 * The query's results in the lists of entries (each entry counts once, whichever lists have it):
 * how many, the first MAX_SHOWN in order, its terms as typed, the best match, and whether it
 * searched every list (complete). `chain` (makeTyping): the box's query, which notes on each
 * village, township, unit and advisor what it found. `slice`: search the first `slice.all` lists,
 * then the others until the page's clock passes `slice.until`, so that a task stays short.
 * @param {Core} core
 * @param {Shelf} shelf
 * @param {string} query normalized
 * @param {Entry[][]} lists
 * @param {Typed} [chain]
 * @param {{all: number, until: number}} [slice]
 * @param {Set<string> | null} [kinds] the kinds of entry to find (all when absent)
 */
export function search(core, shelf, query, lists, chain, slice, kinds) {
  const words = wordsOf(query);
  const { ways, keyBits, always } = readQuery(core, shelf, words);
  const terms = ways[ways.length - 1];  // as typed: what a snippet looks for
  const seen = ++core.searches;
  // Only the results shown are kept in order: sorting every hit would cost most on the shortest
  // queries, which match the most entries.
  /** @type {{entry: Entry, match: Match}[]} */
  const top = [];
  let count = 0, tries = 0, searched = 0, complete = true, late = false;
  const add = (/** @type {Entry} */ entry, /** @type {Match} */ match) => {
    count++;
    const hit = { entry, match };
    if (top.length === MAX_SHOWN && compareHits(hit, top[MAX_SHOWN - 1]) >= 0) return;
    let at = top.length;
    while (at > 0 && compareHits(hit, top[at - 1]) < 0) at--;
    top.splice(at, 0, hit);
    if (top.length > MAX_SHOWN) top.pop();
  };
  search: for (const list of lists) {
    for (const entry of list) {
      if (slice && late && searched >= slice.all) { complete = false; break search; }
      if (entry.seen === seen) continue;
      entry.seen = seen;
      if (kinds && !kinds.has(entry.kind)) continue;
      const noted = chain && entry.kind !== 'page';
      if (chain && noted && entry.tried === chain.id) { if (entry.hit === 2 && entry.found) add(entry, entry.found); continue; }
      if (chain && noted && entry.tried === chain.from && entry.hit === 0) { entry.tried = chain.id; continue; }
      if (slice && ++tries % 256 === 0) late = performance.now() > slice.until;
      let own = -1;  // a county, township or page may match any term
      if (entry.sharded) {
        own = always;
        for (const key of entry.keys) own |= keyBits.get(key) || 0;
      }
      /** @type {(Match & {words: number}) | null} */
      let match = null, near = false;
      for (const way of ways) {  // fewest words first: the first reading that matches is the best
        if (match && way.length > match.words) break;
        if (!mayMatch(entry, way, own)) continue;
        const found = matchEntry(core, entry, way);
        if (found === NEAR_MISS) { near = true; continue; }
        const read = found && { ...found, words: way.length };
        if (read && (!match || compareMatches(read, match) < 0)) match = read;
      }
      if (chain && noted) { entry.tried = chain.id; entry.hit = match ? 2 : near ? 1 : 0; entry.found = match; }
      if (match) add(entry, match);
    }
    searched++;
  }
  return { count, top: top.map((hit) => hit.entry), terms, best: top.length ? top[0].match : null, complete };
}
