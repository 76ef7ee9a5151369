// @ts-check
/* The order of results. */

/** @typedef {import('./index.js').Entry} Entry */
/** @typedef {import('./index.js').Match} Match */

/** How many results the list shows. */
export const MAX_SHOWN = 10;

/** Kinds of entry, in the order they are listed among equally good matches. */
export const KIND_ORDER = { city: 0, county: 1, township: 2, village: 3, advisor: 4, page: 5 };

/**
 * Which of two results comes first: into how many words the query was read, whether its last
 * syllable is complete (huji: 胡集 before 胡家, at any distance: a syllable typed whole is meant
 * whole), where it matched (EXACT … IN_TEXT), how much of a page's keywords a question holds, how it
 * cut syllables short (WHOLE, INITIALS, MIXED), then the nearer place (the reader's own county-level
 * unit, then its city: of 16 cities' 王庄村, the reader's own), then whether it needed a less common
 * reading, the kind (KIND_ORDER), the shorter name, the earlier entry.
 * Nearness comes after where the name matched, so a name typed whole still beats a nearer name it
 * only starts or is inside of: a villager who types a whole name means that place; and after a
 * syllable cut short, which reads the query as other words (qiandongcun is 前董村 before a nearer
 * 前董家村 read as q-ian-dong…). It comes before the reading, because lu for 吕 is how the reader
 * spells, not another place: luzhuang typed in 堂邑 is the 吕庄 there before a 路庄 of another city.
 * Each key is compared on its own, so the order holds for any number of entries (one packed
 * number did not past 100,000).
 * @param {{entry: Entry, match: Match}} a
 * @param {{entry: Entry, match: Match}} b
 */
export function compareHits(a, b) {
  const x = a.match, y = b.match;
  return x.words - y.words || +x.lastCut - +y.lastCut || x.place - y.place || x.fit - y.fit || x.shortened - y.shortened
    || a.entry.near - b.entry.near
    || +x.rareReading - +y.rareReading
    || KIND_ORDER[a.entry.kind] - KIND_ORDER[b.entry.kind]
    || a.entry.name.length - b.entry.name.length
    || a.entry.position - b.entry.position;
}
