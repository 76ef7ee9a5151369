// @ts-check
/* The index as the search reads it: the core (search.json) decoded into entries, and the shards'
   villages and advisors decoded as they come. generator/site/search.py documents the layout; this
   module is the one place that knows the positions in its records. */

import { syllableSet } from './pinyin.js';
import { digitsOf, simplifiedMap } from './text.js';

/** @typedef {import('./pinyin.js').Syllables} Syllables */
/** @typedef {'city' | 'county' | 'township' | 'village' | 'advisor' | 'page'} Kind */

/**
 * A name as it is matched: its characters, their readings, and what a term must equal to be exact.
 * @typedef {{text: string, chars: string[], readings: (string[] | undefined)[], exact: string[]}} Name
 */

/** A content page's text, once fetched: searched by characters, and by digits without a landline's dash.
 * @typedef {{text: string, digits: string}} Body */

/**
 * A match: into how many words the query was read, where the term matched (EXACT … IN_TEXT),
 * whether it needed a less common reading, how it cut syllables short before the last one (WHOLE,
 * INITIALS, MIXED), whether the last one is cut, and for a page's keywords how much of them the
 * query holds (`fit`, negative: more is better); match.js compares them.
 * @typedef {{words: number, place: number, rareReading: boolean, shortened: number, lastCut: boolean, fit: number}} Match
 */

/**
 * One thing that can be found. `names` are matched against each term; `context` are names a term
 * may match instead (the township, county or advisor); `code` and `phones` are digits; `body` is a
 * content page's text, once fetched; `near`: 0 the reader's own county-level unit, 1 its city, 2
 * further; `position`: roster order. A village or advisor (sharded) also has the keys of the shards
 * that list it (mayMatch) and its shard record until its names, line and url are made (raw:
 * filled). `seen` is the last search that met it (each entry once, whichever shards list it), and
 * `tried`, `hit`, `found` what the box's last query that tried it found (engine.js, typedOn).
 * Every entry has every field, in one order: one object shape keeps the matching loop fast.
 * @typedef {{kind: Kind, name: string, line: string, url: string, names: Name[], context: Name[],
 *   code: string, phones: string[], body: Body | null, keywords: string[], near: number, position: number,
 *   sharded: boolean, keys: string[], raw: any[] | null, seen: number, tried: number, hit: number,
 *   found: Match | null}} Entry
 */

/** @typedef {{id: string, name: string, base: string | null}} City */
/** @typedef {{id: string, name: string, kind: string, city: City | null, searchable: Name}} County */
/** @typedef {{code: string, name: string, county: County | null, position: number, searchable: Name}} Township */
/** The reader's place (overrides/data/chrome.html writes it on the form): county-level unit and city ids.
 * @typedef {{county: string, city: string}} Here */

/**
 * The decoded core, and what every search of this page shares: the readings, the syllables, the
 * official suffixes and traditional characters, and every village and advisor decoded so far by
 * code or id (`known`: one object, whichever shards list it); `searches` and `queries` number the
 * searches and the boxes' queries (engine.js).
 * @typedef {{data: any, root: string, here: Here, readings: Map<string, string[]>, syllables: Syllables,
 *   suffixes: string[], simplified: Map<string, string>, searchable: (text: string, exact?: string[]) => Name,
 *   withoutEnding: (name: string) => string, counties: County[], townships: Township[],
 *   nearness: (county: County | null) => number, url: (kind: string, id: string, county: County | null) => string,
 *   entries: Entry[], pages: Entry[], advisorNames: Map<string, Name>, known: Map<string, Entry>,
 *   region: string, shards: Record<string, string | Record<string, string>>, near: Record<string, string>,
 *   searches: number, queries: number}} Core
 */

/**
 * Character → its readings, the most common first. The index maps the other way, syllable →
 * characters, because that is smaller to send.
 * @param {{py: Record<string, string>, py2: Record<string, string>}} data
 */
export function readingsByCharacter(data) {
  /** @type {Map<string, string[]>} */
  const readings = new Map();
  for (const bySyllable of [data.py, data.py2]) {
    for (const syllable of Object.keys(bySyllable)) {
      for (const ch of Array.from(bySyllable[syllable])) {
        const found = readings.get(ch);
        if (found) found.push(syllable); else readings.set(ch, [syllable]);
      }
    }
  }
  return readings;
}

/**
 * An entry with every field (see Entry).
 * @param {{kind: Kind, name: string, line?: string, url?: string, names?: Name[], context?: Name[], code?: string,
 *   phones?: string[], keywords?: string[], near?: number, position: number, sharded?: boolean, raw?: any[]}} e
 * @returns {Entry}
 */
export function makeEntry(e) {
  return { kind: e.kind, name: e.name, line: e.line || '', url: e.url || '', names: e.names || [], context: e.context || [],
    code: e.code || '', phones: e.phones || [], body: null, keywords: e.keywords || [], near: e.near || 0, position: e.position,
    sharded: !!e.sharded, keys: [], raw: e.raw || null, seen: 0, tried: 0, hit: 0, found: null };
}

/**
 * The core, decoded: every record is an array, to stay small. Counties, townships, retired names,
 * the pages and the hotline become entries at once; villages and advisors come with their shards.
 * @param {any} data search.json
 * @param {Here} place the reader's place (its city is filled in from its county-level unit)
 * @param {string} root the site root's URL, from the page
 * @returns {Core}
 */
export function decodeCore(data, place, root) {
  const here = { county: place.county, city: place.city };
  const readings = readingsByCharacter(data);
  /** @type {string[]} */
  const ends = data.ends;
  const withoutEnding = (/** @type {string} */ s) => {  // 王庄村 → 王庄, 堂邑镇 → 堂邑; at least two characters stay
    for (const end of ends) if (s.endsWith(end) && s.length - end.length >= 2) return s.slice(0, -end.length);
    return s;
  };
  /** @type {(text: string, exact?: string[]) => Name} */
  const searchable = (text, exact) => {
    const chars = Array.from(text);
    return { text, chars, readings: chars.map((c) => readings.get(c)), exact: exact || [text, withoutEnding(text)] };
  };
  /** @type {City[]} */
  const cities = data.cities.map((/** @type {[string, string, string | null]} */ [id, name, base]) => ({ id, name, base }));
  /** @type {County[]} */
  const counties = data.counties.map((/** @type {[string, string, number, number | null]} */ [id, name, kind, city]) =>
    ({ id, name, kind: data.kinds[kind], city: city === null ? null : cities[city] || null, searchable: searchable(name) }));
  /** @type {Township[]} */
  const townships = data.townships.map((/** @type {[string, string, number | null]} */ [code, name, county], /** @type {number} */ position) =>
    ({ code, name, county: county === null ? null : counties[county] || null, position, searchable: searchable(name) }));
  if (!here.city && here.county) {
    const mine = counties.find((c) => c.id === here.county);
    if (mine && mine.city) here.city = mine.city.id;
  }
  // How near a county-level unit is to the reader: 0 its own (or the reader is nowhere in particular), 1 its city, 2 further.
  const nearness = (/** @type {County | null} */ county) => !county || (!here.county && !here.city) || county.id === here.county ? 0
    : county.city && county.city.id === here.city && here.city ? (here.county ? 1 : 0) : 2;
  // A page of a city whose pages are on its own site opens there (a city's site finds the whole province);
  // a city with no site yet (base null) has no page to open: '' (shown, not linked).
  const pageAt = (/** @type {City | null} */ city, /** @type {string} */ path) =>
    (city && city.base === null ? '' : ((city && city.base) || root) + path);
  const url = (/** @type {string} */ kind, /** @type {string} */ id, /** @type {County | null} */ county) =>
    pageAt(county && county.city, data.url[kind].replace('{}', id));
  /** @type {Core} */
  const c = { data, root, here, readings, syllables: syllableSet(data), suffixes: data.strip, simplified: simplifiedMap(data.ts || ''),
    searchable, withoutEnding, counties, townships, nearness, url, entries: [], pages: [], advisorNames: new Map(),
    known: new Map(), region: data.region, shards: data.shards, near: data.near || {}, searches: 0, queries: 0 };
  const out = c.entries;

  // The hotline first among equals: its number (and the local hotline's, with or without '-') finds it.
  /** @type {string[]} */
  const hotlines = data.tel || [];
  if (hotlines.length) {
    const name = `${hotlines[0]} 公共法律服务热线`;
    out.push(makeEntry({ kind: 'page', name, line: '免费法律咨询 · ' + hotlines.join(' · '), url: root,
      names: [searchable(name, [name, '公共法律服务热线', '热线'])], phones: hotlines.map(digitsOf), position: -1 }));
  }
  // A province's cities (a roster of one city has none: its site is the city's), at their pages.
  if (data.url.city) {
    cities.forEach((city, i) => out.push(makeEntry({ kind: 'city', name: city.name, line: '城市',
      url: pageAt(city, data.url.city.replace('{}', city.id)), names: [searchable(city.name)],
      near: !here.city || city.id === here.city ? 0 : 2, position: i })));
  }
  counties.forEach((county, i) => {
    const code = /^\d+$/.test(county.id) ? county.id : '';  // functional zones have a made-up id, not a code
    out.push(makeEntry({ kind: 'county', name: county.name, line: county.kind, url: url('county', county.id, county),
      names: [county.searchable], code, near: nearness(county), position: i }));
  });
  for (const t of townships) {
    const county = t.county;
    out.push(makeEntry({ kind: 'township', name: t.name, line: county ? county.name : '', url: url('township', t.code, county),
      names: [t.searchable], context: county ? [county.searchable] : [], code: t.code, near: nearness(county), position: t.position }));
  }
  // Retired villages (已并入…): the old name, on an old card or in memory, leads to today's page.
  (data.retired || []).forEach((/** @type {string[]} */ [name, official, line, page, code], /** @type {number} */ i) => {
    const exact = [name, withoutEnding(name), official];
    const names = official.startsWith(name) ? [searchable(official, exact)] : [searchable(name, exact), searchable(official, exact)];
    out.push(makeEntry({ kind: 'village', name, line, url: url('village', page, null), names, code, position: 1e12 + i }));
  });
  c.pages = data.pages.map((/** @type {[string, string, string[]?]} */ [pageUrl, title, keywords], /** @type {number} */ i) => {
    const short = title.split(' (')[0];  // 求法援 (法律援助): exact as 求法援 too, and a guide's keyword (怎么找律师)
    const page = makeEntry({ kind: 'page', name: title, line: '本站页面', url: root + pageUrl,
      names: [searchable(title, [title, short])], keywords: keywords ? keywords.concat(short) : [], position: i });
    out.push(page);
    return page;
  });
  return c;
}

/**
 * A shard's villages and advisors as entries; one already known from another shard is reused. Each
 * entry notes the keys of the shards it was found in (mayMatch). What only matching its own names
 * or showing it needs is made when first needed (filled): of the thousands of entries a shard
 * brings, most are passed over by mayMatch, and ten at most are shown.
 * @param {Core} c
 * @param {{villages?: any[][], advisors?: any[][]}} shard
 * @param {string} key the shard's key ('' for a region's near file)
 */
export function decodeShard(c, shard, key) {
  const known = c.known;
  const advisorName = (/** @type {string} */ name) => {  // a village's advisor, as context (王庄 吴龙成): made once per name
    let found = c.advisorNames.get(name);
    if (!found) c.advisorNames.set(name, found = c.searchable(name));
    return found;
  };
  /** @type {Entry[]} */
  const out = [];
  for (const row of shard.villages || []) {
    const [codeInTownship, name, , townshipAt, advisor] = row;
    const t = c.townships[townshipAt], county = t.county, code = t.code + codeInTownship;
    let e = known.get(code);
    if (!e) {
      const context = county ? [t.searchable, county.searchable] : [t.searchable];
      if (advisor) context.push(advisorName(advisor));
      known.set(code, e = makeEntry({ kind: 'village', name, context, code, near: c.nearness(county),
        position: t.position * 1e6 + Number(codeInTownship), sharded: true, raw: row }));
    }
    out.push(e);
    if (key && !e.keys.includes(key)) e.keys.push(key);
  }
  for (const row of shard.advisors || []) {
    const [position, id, name, phone, , townshipAt] = row;
    let e = known.get(id);
    if (!e) {
      const t = townshipAt === null ? null : c.townships[townshipAt], county = t ? t.county : null;
      known.set(id, e = makeEntry({ kind: 'advisor', name, context: t ? [t.searchable] : [], phones: [digitsOf(phone)],
        near: c.nearness(county), position, sharded: true, raw: row }));
    }
    out.push(e);
    if (key && !e.keys.includes(key)) e.keys.push(key);
  }
  return out;
}

/**
 * A village's or advisor's names, second line and url, from its shard record.
 * @param {Core} c
 * @param {Entry} e
 */
export function filled(c, e) {
  if (!e.raw) return e;
  const data = c.data;
  if (e.kind === 'village') {
    const [, name, tail, townshipAt, advisor, whole] = e.raw;
    const t = c.townships[townshipAt], county = t.county;
    const official = whole || name + data.tails[tail];  // 王庄村委会; stored whole when it does not start with the short name
    const exact = [name, c.withoutEnding(name), official];
    // The official name alone when it starts with the short name: a match of one is a match of the other.
    e.names = official.startsWith(name) ? [c.searchable(official, exact)] : [c.searchable(name, exact), c.searchable(official, exact)];
    e.line = [t.name, county && county.name, advisor ? '顾问 ' + advisor : '暂无顾问'].filter(Boolean).join(' · ');
    e.url = c.url('village', e.code, county);
  } else {
    const [, id, name, phone, role, townshipAt] = e.raw;
    const t = townshipAt === null ? null : c.townships[townshipAt], county = t ? t.county : null;
    e.names = [c.searchable(name)];
    e.line = [t && t.name, data.roles[role], phone].filter(Boolean).join(' · ');
    e.url = c.url('advisor', id, county);
  }
  e.raw = null;
  return e;
}
