// Answers queries over a built site's index with the browser's own search modules, as a box shows
// them once every shard a query needs is in: the first results, and a correction where the box
// would try one (tests/helpers/heldout.py's queries; tests/site/test_heldout_browser.py, bench/heldout.py).
//
//   node tests/node/heldout.mjs SITE_DIR < {"here": {"county": "371502", "city": ""}, "queries": ["huji", …]}
//
// prints [{"query", "urls" (paths of the first ten), "cut" (whether each read its last syllable cut),
// "corrected" (the query searched instead, or null)}, …].

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { search } from '../../overrides/assets/javascripts/search/engine.js';
import { decodeCore, decodeShard } from '../../overrides/assets/javascripts/search/index.js';
import { matchEntry, parseTerm } from '../../overrides/assets/javascripts/search/match.js';
import { keyOf, listsFor, makeShelf, nearFile, shardsFor } from '../../overrides/assets/javascripts/search/shards.js';
import { normalize, wordsOf } from '../../overrides/assets/javascripts/search/text.js';
import { beats, candidates, filesToFetch, isBetter, needsCorrection, tryCorrection } from '../../overrides/assets/javascripts/search/typos.js';

const site = process.argv[2];
const { here, queries } = JSON.parse(readFileSync(0, 'utf8'));
const core = decodeCore(JSON.parse(readFileSync(join(site, 'search.json'), 'utf8')), here, '/');
const text = JSON.parse(readFileSync(join(site, core.data.text), 'utf8')).text;
core.pages.forEach((page, i) => { page.body = { text: text[i], digits: text[i].replace(/(\d)-(?=\d)/g, '$1') }; });
const shelf = makeShelf();
const load = (paths) => {
  for (const path of paths) {
    if (!shelf.files.has(path)) shelf.files.set(path, { entries: decodeShard(core, JSON.parse(readFileSync(join(site, path), 'utf8')), keyOf(path)) });
  }
};
const near = nearFile(core);
load(near ? [near] : []);
const nearLists = near ? listsFor(core, shelf, [near]).slice(1) : [];

const path = (url) => new URL(url, 'http://x/').pathname;
const out = [];
for (const raw of queries) {
  const query = normalize(raw, core.simplified);
  const needed = shardsFor(core, wordsOf(query)), all = needed.first.concat(needed.later);
  load(all);
  let found = search(core, shelf, query, listsFor(core, shelf, all));
  let corrected = null;
  if (/[a-z]/.test(query) && needsCorrection(found)) {
    const tries = candidates(core, query);
    load(filesToFetch(core, shelf, tries));
    let best = null;
    for (const t of tries) {
      const fixed = tryCorrection(core, shelf, t, nearLists);
      if (fixed && isBetter(fixed.score, best)) best = fixed;
    }
    if (best && beats(best, found)) { found = best.found; corrected = best.text; }
  }
  // how each result reads the query (the last syllable whole or cut), for "complete syllables first"
  const terms = wordsOf(corrected || query).map((w) => parseTerm(w, core.suffixes));
  const cut = found.top.map((e) => { const m = matchEntry(core, e, terms); return !!(m && m.lastCut); });
  out.push({ query: raw, urls: found.top.map((e) => path(e.url)), cut, corrected });
}
process.stdout.write(JSON.stringify(out));
