// @ts-check
/* Matching one entry: how well each term of a query matches its names, its context (township,
   county, advisor), a page's keywords and text, or its digits. */

import { filled } from './index.js';
import { isLatin } from './text.js';

/** @typedef {import('./index.js').Core} Core */
/** @typedef {import('./index.js').Entry} Entry */
/** @typedef {import('./index.js').Match} Match */
/** @typedef {import('./index.js').Name} Name */
/** @typedef {import('./index.js').Body} Body */

/**
 * A word of the query as it is matched: its text and characters, whether it is digits (a phone
 * number or code) or has Latin letters (pinyin); `forVillages`: itself, and for a village also
 * without an official suffix (王庄村民委员会 is 王庄); `contextMatched`: whether it matched a context
 * name (remembered: thousands of villages share a few townships); `keys`, `bit`: the shards that
 * list every name it may match, and its bit (engine.js, readQuery); `entry`, `match`: the entry last
 * matched against, and how (matchOnce).
 * @typedef {{text: string, chars: string[], digits: boolean, latin: boolean, alone: Term[], forVillages: Term[],
 *   contextMatched: Map<Name, boolean>, keys: string[] | null, bit: number, entry: Entry | null, match: Match | null}} Term
 */

// Where a term matched a name, best first (see compareMatches for the rest of a match).
export const EXACT = 0;    // the whole name, or the name without an ending one may omit (王庄 for 王庄村)
export const START = 1;    // the start of the name
export const INSIDE = 2;   // further inside the name
export const IN_TEXT = 3;  // only in a content page's text

/** How a pinyin term used the readings, before its last syllable: every syllable whole (or characters). */
export const WHOLE = 0;
/** Initials: every syllable but the last cut to its first letter (qdc, wz). */
export const INITIALS = 1;
/** Some syllables whole, others cut short (ai-h-san), or one cut after two letters or more: a slip
 * more likely than a way to write (typos.js tries corrections). */
export const MIXED = 2;

/**
 * Which of two matches is better: into how many words the query was read (wang zhuang is first one
 * word, wangzhuang, and only then two: 王庄村 and 王庄集镇 before 王村 in 王庄乡), whether its last syllable
 * is complete (huji is 胡集 before 胡家: a syllable typed whole is meant whole), where the term matched
 * (EXACT … IN_TEXT), how much of a page's keywords a question holds (`fit`), whether it needed a less
 * common reading (王 as yu), and how it cut syllables short before the last one (WHOLE, INITIALS,
 * MIXED). Each is a key of its own, compared in that order.
 * @param {Match} a
 * @param {Match} b
 */
export function compareMatches(a, b) {
  return a.words - b.words || +a.lastCut - +b.lastCut || a.place - b.place || a.fit - b.fit
    || +a.rareReading - +b.rareReading || a.shortened - b.shortened;
}

/** @returns {Match} */
export const plainMatch = (/** @type {number} */ place, fit = 0) =>
  ({ words: 0, place, rareReading: false, shortened: WHOLE, lastCut: false, fit });

/**
 * One way a term is used up along a name: at which character, whether it needed a less common
 * reading, how it cut syllables short before the last (`cuts`: bit 1 a syllable cut to its first
 * letter, 2 one cut after more, 4 a syllable of two letters or more typed whole), and whether its
 * last syllable is cut.
 * @typedef {{end: number, rareReading: boolean, cuts: number, lastCut: boolean}} End
 */

/** @param {number} cuts */
const cutLevel = (cuts) => (!(cuts & 3) ? WHOLE : cuts === 1 ? INITIALS : MIXED);

/**
 * Walk the name from character `at`, with the query's characters from `used` on, and record in
 * `ends` every way the query is used up (End). A character matches itself, or any prefix of one of
 * its readings (full pinyin, initials and all between).
 * @param {Name} name
 * @param {string[]} query
 * @param {number} at
 * @param {number} used
 * @param {boolean} rareReading
 * @param {number} cuts
 * @param {boolean} lastCut
 * @param {End[]} ends
 */
export function collectEnds(name, query, at, used, rareReading, cuts, lastCut, ends) {
  if (used === query.length) { ends.push({ end: at, rareReading, cuts, lastCut }); return; }
  if (at === name.chars.length) return;
  if (query[used] === name.chars[at]) collectEnds(name, query, at + 1, used + 1, rareReading, cuts, false, ends);
  const readings = name.readings[at];
  if (!readings) return;
  for (let r = 0; r < readings.length; r++) {
    const reading = readings[r];
    let typed = 0;  // how much of this reading the query spells from here
    while (typed < reading.length && reading[typed] === query[used + typed]) typed++;
    for (; typed > 0; typed--) {
      // The query's last syllable may be short: it is still being typed.
      const cut = typed < reading.length, last = used + typed === query.length;
      const more = cut && !last ? (typed === 1 ? 1 : 2) : !cut && typed > 1 ? 4 : 0;
      collectEnds(name, query, at + 1, used + typed, rareReading || r > 0, cuts | more, cut, ends);
    }
  }
}

/**
 * How well a term matches a name (a match, or null). Latin letters are matched against the
 * readings; characters and digits, and anything in a page's text, as a substring.
 * @param {Name | Body} name
 * @param {Term} term
 * @returns {Match | null}
 */
export function matchName(name, term) {
  if (!('chars' in name) || !term.latin) {
    const at = name.text.indexOf(term.text);
    if (at < 0) return null;
    return plainMatch(!('chars' in name) ? IN_TEXT : at > 0 ? INSIDE : name.exact.includes(term.text) ? EXACT : START);
  }
  for (let start = 0; start < name.chars.length; start++) {
    /** @type {End[]} */
    const ends = [];
    collectEnds(name, term.chars, start, 0, false, 0, false, ends);
    if (!ends.length) continue;
    // The first character the term fits from decides the place; of its ways to fit there, the best.
    /** @type {Match | null} */
    let best = null;
    for (const { end, rareReading, cuts, lastCut } of ends) {
      const place = start > 0 ? INSIDE : name.exact.includes(name.chars.slice(0, end).join('')) ? EXACT : START;
      const match = { words: 0, place, rareReading, shortened: cutLevel(cuts), lastCut, fit: 0 };
      if (!best || compareMatches(match, best) < 0) best = match;
    }
    return best;
  }
  return null;
}

/**
 * A word of the query. Three or more digits (dashes allowed: 132-4535-6775) are a phone number or
 * a statistical code.
 * @param {string} text
 * @param {string[]} suffixes official suffixes a village's name may carry (村民委员会…), longest first
 * @returns {Term}
 */
export function parseTerm(text, suffixes) {
  const digits = text.replace(/-/g, '');
  const isDigits = /^\d{3,}$/.test(digits);
  /** @type {Term} */
  const term = { text: isDigits ? digits : text, chars: Array.from(isDigits ? digits : text), digits: isDigits,
    latin: !isDigits && /[a-z]/.test(text), alone: [], forVillages: [], contextMatched: new Map(),
    keys: null, bit: 0, entry: null, match: null };
  term.alone = [term];
  term.forVillages = [term];  // 王庄村民委员会 is also tried as 王庄
  if (isDigits) return term;
  for (const suffix of suffixes) {
    if (text.endsWith(suffix) && text.length > suffix.length) { term.forVillages.push(parseTerm(text.slice(0, -suffix.length), suffixes)); break; }
  }
  return term;
}

/**
 * The best match of any term against any name.
 * @param {Name[]} names
 * @param {Term[]} terms
 */
export function bestMatch(names, terms) {
  /** @type {Match | null} */
  let best = null;
  for (const name of names) {
    for (const term of terms) {
      const match = matchName(name, term);
      if (match && (!best || compareMatches(match, best) < 0)) best = match;
    }
  }
  return best;
}

/**
 * Digits against a phone number (anywhere in it), a statistical code (its start, from six digits),
 * or a page's text (five digits or more: 12348 in every guide).
 * @param {Entry} entry
 * @param {string} digits
 */
export function matchDigits(entry, digits) {
  /** @type {Match | null} */
  let best = null;
  for (const phone of entry.phones) {
    const at = phone.indexOf(digits);
    const place = at < 0 ? null : phone === digits ? EXACT : at > 0 ? INSIDE : START;
    if (place !== null && (!best || place < best.place)) best = plainMatch(place);
  }
  if (best) return best;
  // Codes only from six digits on: fewer would start every code of the prefecture.
  if (entry.code && digits.length >= 6 && entry.code.startsWith(digits)) return plainMatch(entry.code === digits ? EXACT : START);
  if (entry.body && digits.length >= 5 && entry.body.digits.includes(digits)) return plainMatch(IN_TEXT);
  return null;
}

/**
 * Whether the characters of `word` occur in `text` in order, no further apart than one word's
 * length (欠…钱 in 欠我的钱: plain speech puts words between a keyword's characters).
 * @param {string[]} word
 * @param {string} text
 */
export function inOrder(word, text) {
  let at = text.indexOf(word[0]);
  if (at < 0 || word.length < 2) return false;
  for (let i = 1; i < word.length; i++) {
    const next = text.indexOf(word[i], at + 1);
    if (next < 0 || next - at > word.length + 2) return false;
    at = next;
  }
  return true;
}

/**
 * A page's keywords: everyday words for the trouble its service helps with (离婚, 欠薪), which staff
 * list in its front matter. The whole word is exact; the start of one (two characters at least) is a
 * start; a question that holds one (法律援助怎么申请), or its characters in order (欠我的钱 for 欠钱),
 * matches inside, the better the more of its keywords it holds (`fit`: two for each character of a
 * keyword held whole, one for each held in order).
 * @param {Entry} entry
 * @param {Term} term
 */
export function matchKeywords(entry, term) {
  if (term.latin || term.digits || !entry.keywords.length) return null;
  let place = -1, fit = 0;
  for (const word of entry.keywords) {
    const chars = Array.from(word);
    const [at, worth] = term.text === word ? [EXACT, 2 * chars.length]
      : term.chars.length >= 2 && word.startsWith(term.text) ? [START, term.chars.length]
        : term.text.includes(word) ? [INSIDE, 2 * chars.length]
          : inOrder(chars, term.text) ? [INSIDE, chars.length] : [-1, 0];
    if (at < 0) continue;
    place = place < 0 ? at : Math.min(place, at);
    fit -= worth;
  }
  return place < 0 ? null : plainMatch(place, fit);
}

/**
 * How well one term matches the entry itself (its names, a page's keywords and text), or null.
 * @param {Core} core
 * @param {Entry} entry
 * @param {Term} term
 */
export function matchTerm(core, entry, term) {
  if (term.digits) return matchDigits(entry, term.text);
  let found = bestMatch(filled(core, entry).names, entry.kind === 'village' ? term.forVillages : term.alone);
  const keyword = matchKeywords(entry, term);
  if (keyword && (!found || compareMatches(keyword, found) < 0)) found = keyword;
  if (found || !entry.body) return found;
  return matchName(entry.body, term);
}

/**
 * matchTerm, worked out once for an entry however many ways to read the query share the term.
 * @param {Core} core
 * @param {Entry} entry
 * @param {Term} term
 */
export function matchOnce(core, entry, term) {
  if (term.entry !== entry) { term.entry = entry; term.match = matchTerm(core, entry, term); }
  return term.match;
}

/**
 * Whether a term that missed the entry's own names matches its township, county or advisor (王庄 沙镇).
 * @param {Entry} entry
 * @param {Term} term
 */
export function matchesContext(entry, term) {
  if (term.digits) return false;
  for (const name of entry.context) {
    let matched = term.contextMatched.get(name);
    if (matched === undefined) term.contextMatched.set(name, matched = matchName(name, term) !== null);
    if (matched) return true;
  }
  return false;
}

/** A match of every term, but only by the entry's context: not a result (engine.js, typedOn). */
export const NEAR_MISS = plainMatch(IN_TEXT);

/**
 * The entry's best match over the terms; every term must match it or its context, and one at least
 * the entry itself. Null when the entry is not a result; NEAR_MISS when every term matched, but only
 * its context.
 * @param {Core} core
 * @param {Entry} entry
 * @param {Term[]} terms
 */
export function matchEntry(core, entry, terms) {
  /** @type {Match | null} */
  let best = null;
  for (const term of terms) {
    const match = matchOnce(core, entry, term);
    if (match) { if (!best || compareMatches(match, best) < 0) best = match; } else if (!matchesContext(entry, term)) return null;
  }
  return best || NEAR_MISS;
}

/**
 * The ways to read the query's words: as typed, and with neighbouring pinyin words joined
 * (wang zhuang → wangzhuang), fewest words first. Up to four neighbours are joined.
 * @param {string[]} words
 * @returns {string[][]}
 */
export function readingsOfWords(words) {
  /** @type {{words: string[], joined: number}[]} */
  let ways = [{ words: [], joined: 0 }];
  for (const word of words) {
    /** @type {{words: string[], joined: number}[]} */
    const next = [];
    for (const way of ways) {
      const last = way.words[way.words.length - 1];
      if (last !== undefined && isLatin(last) && isLatin(word) && way.joined < 3) {
        next.push({ words: way.words.slice(0, -1).concat(last + word), joined: way.joined + 1 });
      }
      next.push({ words: way.words.concat(word), joined: way.joined });
    }
    ways = next;
  }
  return ways.map((way) => way.words).sort((a, b) => a.length - b.length);
}
