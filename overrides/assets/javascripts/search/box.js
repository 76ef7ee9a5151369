// @ts-check
/* A search box and its list: the header's, by characters, pinyin, initials or phone digits, and a
   guide's 找本村法律顾问 (data-kinds="village": villages only). The other modules do the rest: the
   index (generator/site/search.py writes it) is a small core, search.json, fetched on first touch of
   a box, and shards under search/, each fetched when a query first needs it: a province's 77,299
   villages are too much to fetch at once on a phone. Places near the page the reader is on (its
   county-level unit, then its city) come first among equally good matches, and their shard pieces
   are fetched first. The boxes of a page share one index.
   It forgives what phones and hands do: full-width and capital letters, spaces inside pinyin, ü as v
   or u, traditional characters, slips of the hand in pinyin (typos.js: the corrected query's results,
   offered as 你是不是要找…), the hotline's number, and everyday words for a legal trouble (the guides'
   keywords). A query that finds nothing shows the hotline and the guides: no dead end. Without
   signal it searches what the phone has: the core, the shards fetched before and the near files of
   the reader's city (the service worker keeps them from the first visit, generator/build/offline.py). */

import { makeTyping, search } from './engine.js';
import { FORMAT_VERSION } from './format.js';
import { decodeCore } from './index.js';
import { fetchJson, makeLoader } from './loader.js';
import { helpRows, rowsOf, statusText } from './present.js';
import { cityNearFiles, isLoaded, listsFor, makeShelf, nearFile, shardsFor } from './shards.js';
import { normalize, wordsOf } from './text.js';
import { beats, correct, needsCorrection } from './typos.js';

/** @typedef {import('./index.js').Core} Core */
/** @typedef {import('./index.js').Entry} Entry */
/** @typedef {import('./index.js').Here} Here */
/** @typedef {ReturnType<typeof search>} Found */

/**
 * One page's index, shared by its boxes: the core once it is in (or why it cannot be used), the
 * shelf of shard files and their loader, and the pages' text.
 * @typedef {{url: string, root: string, here: Here, core: Core | null, unusable: string,
 *   loading: Promise<void> | null, failed: boolean, shelf: import('./shards.js').Shelf, loader: ReturnType<typeof makeLoader>,
 *   text: Promise<void> | null, boxes: (() => void)[]}} PageIndex
 */

/** @type {Map<string, PageIndex>} */
const indexes = new Map();

/**
 * The page's index at `url`, made once.
 * @param {string} url
 * @param {Here} here
 */
function pageIndex(url, here) {
  let found = indexes.get(url);
  if (!found) {
    const shelf = makeShelf();
    /** @type {PageIndex} */
    const made = { url, root: url.replace(/search\.json$/, ''), here, core: null, unusable: '', loading: null, failed: false, shelf,
      loader: makeLoader(() => /** @type {Core} */ (made.core), shelf), text: null, boxes: [] };
    indexes.set(url, found = made);
  }
  return found;
}

/**
 * Fetch the core once; each box answers again when it is in.
 * @param {PageIndex} ix
 */
function load(ix) {
  ix.loading = ix.loading || fetchJson(ix.url)
    .then((data) => {
      if (data.v !== FORMAT_VERSION) {
        console.warn(`search.json has format version ${data.v}, this search.js reads version ${FORMAT_VERSION}: no search`);
        ix.unusable = '搜索数据与本页的版本不符，请刷新页面。';
      } else {
        ix.core = decodeCore(data, ix.here, ix.root);
      }
      for (const again of ix.boxes) again();
    })
    .catch(() => { ix.loading = null; ix.failed = true; for (const again of ix.boxes) again(); });
  return ix.loading;
}

/**
 * Start a box: `form` holds its input; data-index names search.json, data-county and data-city
 * the reader's place, data-kinds the kinds of result it shows (all when absent).
 * @param {HTMLFormElement} form
 */
export function start(form) {
  if (form.dataset.started) return;
  form.dataset.started = '1';
  const input = /** @type {HTMLInputElement} */ (form.querySelector('input'));
  const ix = pageIndex(form.dataset.index || '', { county: form.dataset.county || '', city: form.dataset.city || '' });
  const kinds = form.dataset.kinds ? new Set(form.dataset.kinds.split(' ')) : null;
  const el = (/** @type {string} */ tag, /** @type {string} */ cls = '') => Object.assign(document.createElement(tag), { className: cls });
  const panel = el('div', 'dir-search__panel');
  const status = el('p', 'dir-search__status');
  const list = el('ul', 'dir-search__list');
  const help = el('ul', 'dir-search__help');  // the hotline and the guides, when nothing is found
  status.setAttribute('role', 'status');
  list.id = `${input.id}-results`;
  list.setAttribute('aria-label', '搜索结果');
  help.setAttribute('aria-label', '热线和服务指南');
  panel.hidden = true;
  panel.append(status, list, help);
  form.append(panel);
  input.setAttribute('aria-controls', list.id);
  /** @type {ReturnType<typeof makeTyping> | null} */
  let typedOn = null;
  const simplified = () => (ix.core ? ix.core.simplified : new Map());
  let failedFor = /** @type {string | null} */ (null);  // the query for which shards could not be fetched
  let textFailedFor = /** @type {string | null} */ (null);  // … and the pages' text
  /** @type {string | undefined} */
  let near;  // the reader's own region's near file; '' when the page is nowhere in particular
  ix.boxes.push(() => { if (!panel.hidden) run(); });

  // The pages' text is searched too (覆盖率 finds /stats/), but no place name is in it: it is fetched
  // after the first results are on screen, and the results are looked at again when it is in.
  function loadPageText(/** @type {Core} */ c) {
    ix.text = ix.text || fetchJson(ix.root + c.data.text).then((data) => {
      c.pages.forEach((page, i) => {
        // Searched by characters, and by digits with the dash of a landline (area code-number) left out.
        page.body = { text: data.text[i], digits: data.text[i].replace(/(\d)-(?=\d)/g, '$1') };
      });
      for (const again of ix.boxes) again();
    }).catch(() => { ix.text = null; textFailedFor = normalize(input.value, simplified()); if (!panel.hidden) run(); });
  }

  // Every village and advisor of the reader's own region: fetched after the first results, so that
  // search without signal still finds any place nearby, not only the shards of queries typed before.
  function loadNear(/** @type {Core} */ c) {
    if (near === undefined) near = nearFile(c);
    return near ? ix.loader.fetchShard(near) : Promise.resolve();
  }
  // Without signal: the near files of the reader's whole city, which the service worker keeps.
  const cityLists = (/** @type {Core} */ c) => listsFor(c, ix.shelf, cityNearFiles(c)).slice(1);

  function say(/** @type {string} */ text) { status.textContent = text; panel.hidden = false; }

  /**
   * @param {HTMLElement} into
   * @param {[string, string, string][]} rows
   */
  function fill(into, rows) {
    into.textContent = '';
    for (const [url, text, sub] of rows) {
      // a place of a city whose site is not open yet: named, with no link to a page this site lacks
      const li = el('li'), a = el(url ? 'a' : 'span', url ? '' : 'dir-search__nolink');
      const name = el('span', 'dir-search__name'), line = el('span', 'dir-search__sub');
      if (a instanceof HTMLAnchorElement) a.href = url;
      name.textContent = text;
      line.textContent = url ? sub : `${sub}${sub ? ' · ' : ''}该市网站尚未开通`;
      a.append(name, line);
      li.append(a);
      into.append(li);
    }
  }

  // The list is made again only when what it shows changed: a search that goes on over other
  // regions' pieces mostly changes the count alone.
  let listed = '';
  /**
   * @param {Core} c
   * @param {Found} found
   * @param {string} query
   * @param {string | null} corrected
   * @param {{busy?: boolean, further?: boolean, offline?: boolean}} state
   */
  function show(c, found, query, corrected, state) {
    const rows = rowsOf(c, found);
    const rowsKey = JSON.stringify(rows);
    if (rowsKey !== listed || rows.length !== list.childElementCount) {
      listed = rowsKey;
      fill(list, rows);
    }
    const dead = !found.count && !state.busy;
    fill(help, dead ? helpRows(c) : []);
    say(statusText(found, query, corrected, state));
    // For tests and bench/search.py: which query the list shows, and whether more is coming.
    list.dataset.query = query;
    panel.setAttribute('aria-busy', state.busy ? 'true' : 'false');
    form.dispatchEvent(new CustomEvent('dir-search-results', { detail: { query, busy: !!state.busy } }));
  }

  // Search what is in for the query now, and fetch what it still needs: the first results wait for the
  // core and the near shard pieces only; the others are fetched after them, and the results shown
  // again as they come. A task searches the core, then the shard files, the reader's region's first
  // and the smallest first (wz before w: the likeliest places), for SLICE_MS at the most once the
  // core is done (a word more for a province can bring 8,000 places to try; the 16 pieces of a
  // one-letter shard hold 45,000 villages); the next task searches on, so that a keystroke never
  // waits long behind it.
  const SLICE_MS = 30;
  let searchingOn = 0;  // the task that searches on, when one is due
  const searchOn = () => { searchingOn = searchingOn || setTimeout(() => { searchingOn = 0; if (!panel.hidden) run(); }, 0); };
  let correcting = 0;  // which query's corrections are running; another keystroke makes them stale
  function run() {
    const mine = ++correcting;  // a new query: corrections of the last one are stale
    const query = normalize(input.value, simplified());
    if (!query) { panel.hidden = true; list.textContent = ''; help.textContent = ''; return; }
    if (ix.unusable) { list.textContent = ''; say(ix.unusable); panel.setAttribute('aria-busy', 'false'); return; }
    const c = ix.core;
    if (!c) {
      const failed = ix.failed;
      ix.failed = false;
      say(failed ? '搜索数据没有载入，请检查网络后再输入一次。' : '正在载入搜索数据…');
      panel.setAttribute('aria-busy', failed ? 'false' : 'true');
      if (!failed) load(ix);
      return;
    }
    typedOn = typedOn || makeTyping(c);
    if (query !== failedFor) { ix.shelf.failed.clear(); failedFor = query; }
    // Once what was fetched is in: the same query, unless the reader closed the list meanwhile.
    const again = () => { if (!panel.hidden && normalize(input.value, simplified()) === query) run(); };
    const needed = shardsFor(c, wordsOf(query)), all = needed.first.concat(needed.later);
    const missing = needed.first.filter((path) => !isLoaded(ix.shelf, path) && !ix.shelf.failed.has(path));
    if (missing.length) {
      if (!list.childElementCount) say('正在载入搜索数据…');
      panel.setAttribute('aria-busy', 'true');
      Promise.all(missing.map((path) => ix.loader.fetchShard(path))).then(again);
      return;
    }
    const later = needed.later.filter((path) => !isLoaded(ix.shelf, path) && !ix.shelf.failed.has(path));
    ix.loader.want(later);
    const offline = all.some((path) => ix.shelf.failed.has(path));
    const city = offline ? cityNearFiles(c).filter((path) => !isLoaded(ix.shelf, path) && !ix.shelf.failed.has(path)) : [];
    const nearPending = city.length > 0;
    // The pages' text: only a query with characters or digits can match it.
    const textPending = !c.pages.every((p) => p.body) && textFailedFor !== query && !/^[a-z\s]+$/.test(query);
    const bySize = (/** @type {unknown[]} */ a, /** @type {unknown[]} */ b) => a.length - b.length;
    const first = listsFor(c, ix.shelf, needed.first).slice(1).concat(offline ? cityLists(c) : []).sort(bySize);
    const others = listsFor(c, ix.shelf, needed.later).slice(1).sort(bySize);
    const found = search(c, ix.shelf, query, [c.entries].concat(first, others), typedOn(query),
      { all: 1, until: performance.now() + SLICE_MS }, kinds);
    const unsearched = !found.complete;
    const further = later.length > 0 || unsearched;
    const fixing = !further && !nearPending && /[a-z]/.test(query) && needsCorrection(found);
    show(c, found, query, null, { busy: further || textPending || nearPending || fixing, further, offline });
    if (!ix.text && textFailedFor !== query) loadPageText(c);
    if (unsearched) searchOn();
    if (nearPending) {
      Promise.all(city.map((path) => ix.loader.fetchShard(path))).then(again);
    } else if (later.length) {
      for (const path of later) ix.loader.fetchShard(path, true).then(searchOn);
    } else if (!unsearched) {
      loadNear(c);
      if (fixing) {
        correct(c, ix.shelf, query, {
          stale: () => mine !== correcting,
          fetchFiles: (paths) => (offline ? Promise.resolve() : Promise.all(paths.map((path) => ix.loader.fetchShard(path)))),
          extra: () => cityLists(c).concat(near && isLoaded(ix.shelf, near) ? listsFor(c, ix.shelf, [near]).slice(1) : []),
          kinds,
        }, (best) => {
          if (panel.hidden) return;
          if (best && beats(best, found)) show(c, best.found, query, best.text, { offline });
          else show(c, found, query, null, { further, offline });
        });
      }
    }
  }

  input.addEventListener('input', () => { ix.loader.typed(); run(); });
  input.addEventListener('focus', () => { load(ix); if (input.value.trim()) run(); });
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const first = list.querySelector('a');
    if (first) location.href = first.href;
    else run();
  });
  form.addEventListener('keydown', (ev) => {  // arrows move through the results, Escape closes
    if (ev.key === 'Escape') { panel.hidden = true; input.focus(); return; }
    const links = Array.from(panel.querySelectorAll('a'));
    if (!/^Arrow(Up|Down)$/.test(ev.key) || !links.length || panel.hidden) return;
    const next = links.indexOf(/** @type {HTMLAnchorElement} */ (document.activeElement)) + (ev.key === 'ArrowDown' ? 1 : -1);
    ev.preventDefault();
    if (next < 0) input.focus(); else links[Math.min(next, links.length - 1)].focus();
  });
  document.addEventListener('pointerdown', (ev) => { if (!form.contains(/** @type {Node} */ (ev.target))) panel.hidden = true; });
  load(ix);
  if (input.value.trim()) run();
}
