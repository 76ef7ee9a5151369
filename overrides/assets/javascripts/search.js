// @ts-check
/* Header search by characters, pinyin, initials or phone digits: the box and its list. The modules
   under search/ do the rest: the index (generator/site/search.py writes it) is a small core,
   search.json, fetched on first touch of the box, and shards under search/, each fetched when a
   query first needs it: a province's 77,299 villages are too much to fetch at once on a phone.
   Places near the page the reader is on (its county-level unit, then its city) come first among
   equally good matches, and their shard pieces are fetched first.
   It forgives what phones and hands do: full-width and capital letters, spaces inside pinyin, ü as
   v or u, traditional characters, a one-letter typo in pinyin (offered as 你是不是要找…), the
   hotline's number, and everyday words for a legal trouble (the guides' keywords). */

import { search, makeTyping } from './search/engine.js';
import { FORMAT_VERSION } from './search/format.js';
import { decodeCore } from './search/index.js';
import { fetchJson, makeLoader } from './search/loader.js';
import { rowsOf, statusText } from './search/present.js';
import { isLoaded, listsFor, makeShelf, nearFile, shardsFor } from './search/shards.js';
import { normalize, wordsOf } from './search/text.js';
import { correct } from './search/typos.js';

/** @typedef {import('./search/index.js').Core} Core */
/** @typedef {import('./search/engine.js').search} Search */

/**
 * @param {HTMLFormElement} form
 */
function start(form) {
  const input = /** @type {HTMLInputElement} */ (form.querySelector('input'));
  const indexUrl = form.dataset.index || '';
  const root = indexUrl.replace(/search\.json$/, '');
  const el = (/** @type {string} */ tag, /** @type {string} */ cls = '') => Object.assign(document.createElement(tag), { className: cls });
  const panel = el('div', 'dir-search__panel');
  const status = el('p', 'dir-search__status');
  const list = el('ul', 'dir-search__list');
  status.setAttribute('role', 'status');
  list.id = 'dir-search-results';
  list.setAttribute('aria-label', '搜索结果');
  panel.hidden = true;
  panel.append(status, list);
  form.append(panel);
  input.setAttribute('aria-controls', list.id);

  // The reader's place, written by the page's template (overrides/data/chrome.html): its county-level
  // unit on a village, township or county page, its city on a city page or on a city's own site.
  const here = { county: form.dataset.county || '', city: form.dataset.city || '' };
  /** @type {Core | null} */
  let core = null;            // search.json, decoded, once it is in
  let unusable = '';          // why the index that came cannot be used, shown instead of results
  /** @type {Promise<void> | null} */
  let loading = null;
  const shelf = makeShelf();
  const loader = makeLoader(() => /** @type {Core} */ (core), shelf);
  /** @type {ReturnType<typeof makeTyping> | null} */
  let typedOn = null;
  const simplified = () => (core ? core.simplified : new Map());

  const load = () => loading = loading || fetchJson(indexUrl)
    .then((data) => {
      if (data.v !== FORMAT_VERSION) {
        console.warn(`search.json has format version ${data.v}, this search.js reads version ${FORMAT_VERSION}: no search`);
        unusable = '搜索数据与本页的版本不符，请刷新页面。';
      } else {
        core = decodeCore(data, here, root);
        typedOn = makeTyping(core);
      }
      if (!panel.hidden) run();
    })
    .catch(() => { loading = null; say('搜索数据没有载入，请检查网络后再输入一次。'); panel.setAttribute('aria-busy', 'false'); });

  // The pages' text is searched too (覆盖率 finds /stats/), but no place name is in it: it is fetched
  // after the first results are on screen, and the results are looked at again when it is in.
  /** @type {Promise<void> | null} */
  let pageText = null;
  /** @type {string | null} */
  let textFailedFor = null;  // the query for which it could not be fetched: not tried again for it
  function loadPageText(/** @type {Core} */ c) {
    pageText = pageText || fetchJson(root + c.data.text).then((data) => {
      c.pages.forEach((page, i) => {
        // Searched by characters, and by digits with the dash of a landline (area code-number) left out.
        page.body = { text: data.text[i], digits: data.text[i].replace(/(\d)-(?=\d)/g, '$1') };
      });
      if (!panel.hidden) run();
    }).catch(() => { pageText = null; textFailedFor = normalize(input.value, simplified()); if (!panel.hidden) run(); });
  }

  // Shards that could not be fetched for the query on screen (no signal): it is answered without
  // them, from the near file and what is in; the next query tries them again.
  /** @type {string | null} */
  let failedFor = null;

  // Every village and advisor of the reader's own region: fetched after the first results, so that
  // the service worker keeps it and search without signal still finds any place nearby, not only
  // the shards of queries typed before.
  /** @type {string | undefined} */
  let near;  // its path; '' when the page is nowhere in particular; undefined until it is first wanted
  function loadNear(/** @type {Core} */ c) {
    if (near === undefined) near = nearFile(c);
    return near ? loader.fetchShard(near) : Promise.resolve();
  }

  function say(/** @type {string} */ text) { status.textContent = text; panel.hidden = false; }

  // The list is made again only when what it shows changed: a search that goes on over other
  // regions' pieces mostly changes the count alone.
  let listed = '';
  /**
   * @param {Core} c
   * @param {ReturnType<Search>} found
   * @param {string} query
   * @param {string | null} corrected
   * @param {{busy?: boolean, further?: boolean, offline?: boolean}} state
   */
  function show(c, found, query, corrected, state) {
    const rows = rowsOf(c, found);
    const rowsKey = JSON.stringify(rows);
    if (rowsKey !== listed || rows.length !== list.childElementCount) {
      listed = rowsKey;
      list.textContent = '';
      for (const [url, text, sub] of rows) {
        const li = el('li'), a = /** @type {HTMLAnchorElement} */ (el('a')), name = el('span', 'dir-search__name'), line = el('span', 'dir-search__sub');
        a.href = url;
        name.textContent = text;
        line.textContent = sub;
        a.append(name, line);
        li.append(a);
        list.append(li);
      }
    }
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
    if (!query) { panel.hidden = true; list.textContent = ''; return; }
    if (unusable) { list.textContent = ''; say(unusable); panel.setAttribute('aria-busy', 'false'); return; }
    if (!core || !typedOn) { say('正在载入搜索数据…'); panel.setAttribute('aria-busy', 'true'); load(); return; }
    const c = core;
    if (query !== failedFor) { shelf.failed.clear(); failedFor = query; }
    // Once what was fetched is in: the same query, unless the reader closed the list meanwhile.
    const again = () => { if (!panel.hidden && normalize(input.value, simplified()) === query) run(); };
    const needed = shardsFor(c, wordsOf(query)), all = needed.first.concat(needed.later);
    const missing = needed.first.filter((path) => !isLoaded(shelf, path) && !shelf.failed.has(path));
    if (missing.length) {
      if (!list.childElementCount) say('正在载入搜索数据…');
      panel.setAttribute('aria-busy', 'true');
      Promise.all(missing.map((path) => loader.fetchShard(path))).then(again);
      return;
    }
    const later = needed.later.filter((path) => !isLoaded(shelf, path) && !shelf.failed.has(path));
    loader.want(later);
    const offline = all.some((path) => shelf.failed.has(path));
    const nearPending = offline && (near === undefined || (!!near && !isLoaded(shelf, near) && !shelf.failed.has(near)));
    // The pages' text: only a query with characters or digits can match it.
    const textPending = !c.pages.every((p) => p.body) && textFailedFor !== query && !/^[a-z\s]+$/.test(query);
    const bySize = (/** @type {unknown[]} */ a, /** @type {unknown[]} */ b) => a.length - b.length;
    const first = listsFor(c, shelf, offline && near ? needed.first.concat(near) : needed.first).slice(1).sort(bySize);
    const others = listsFor(c, shelf, needed.later).slice(1).sort(bySize);
    const found = search(c, shelf, query, [c.entries].concat(first, others), typedOn(query), { all: 1, until: performance.now() + SLICE_MS });
    const unsearched = !found.complete;
    const further = later.length > 0 || unsearched;
    show(c, found, query, null, { busy: further || textPending || nearPending, further, offline });
    if (!pageText && textFailedFor !== query) loadPageText(c);
    if (unsearched) searchOn();
    if (nearPending) {
      loadNear(c).then(again);
    } else if (later.length) {
      for (const path of later) loader.fetchShard(path, true).then(searchOn);
    } else if (!unsearched) {
      loadNear(c);
      if (!found.count && /[a-z]/.test(query)) {
        correct(c, shelf, query, () => mine !== correcting, (best) => { if (best && !panel.hidden) show(c, best.found, query, best.text, {}); });
      }
    }
  }

  for (const ev of ['focus', 'pointerdown', 'touchstart']) input.addEventListener(ev, load, { passive: true });
  input.addEventListener('input', () => { loader.typed(); run(); });
  input.addEventListener('focus', () => { if (input.value.trim()) run(); });
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const first = list.querySelector('a');
    if (first) location.href = first.href;
  });
  form.addEventListener('keydown', (ev) => {  // arrows move through the results, Escape closes
    if (ev.key === 'Escape') { panel.hidden = true; input.focus(); return; }
    const all = Array.from(list.querySelectorAll('a'));
    if (!/^Arrow(Up|Down)$/.test(ev.key) || !all.length || panel.hidden) return;
    const next = all.indexOf(/** @type {HTMLAnchorElement} */ (document.activeElement)) + (ev.key === 'ArrowDown' ? 1 : -1);
    ev.preventDefault();
    if (next < 0) input.focus(); else all[Math.min(next, all.length - 1)].focus();
  });
  document.addEventListener('pointerdown', (ev) => { if (!form.contains(/** @type {Node} */ (ev.target))) panel.hidden = true; });
}

const form = document.querySelector('form.dir-search');
if (form instanceof HTMLFormElement) start(form);
