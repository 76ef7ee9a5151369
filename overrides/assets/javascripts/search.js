/* Header search by characters, pinyin, initials or phone digits. The index (generator/site/search.py)
   is a small core, search.json, fetched on first touch of the box, and shards under search/, each
   fetched when a query first needs it: a province's 77,299 villages are too much to fetch at once
   on a phone. Places near the page the reader is on (its county-level unit, then its city) come
   first among equally good matches, and their shard pieces are fetched first.
   It forgives what phones and hands do: full-width and capital letters, spaces inside pinyin, ü
   as v or u, traditional characters, a one-letter typo in pinyin (offered as 你是不是要找…), the
   hotline's number, and everyday words for a legal trouble (the guides' keywords). */
(() => {
  'use strict';
  const form = document.querySelector('form.dir-search');
  if (!form || !window.fetch || !Array.from || !window.Map) return;

  // The layout of search.json and its shards that this script reads: FORMAT_VERSION in generator/site/search.py.
  const FORMAT_VERSION = 3;
  const MAX_SHOWN = 10;

  // Kinds of entry, in the order they are listed among equally good matches.
  const KIND_ORDER = { city: 0, county: 1, township: 2, village: 3, advisor: 4, page: 5 };

  // Where a term matched a name, best first (see compareMatches for the rest of a match).
  const EXACT = 0;    // the whole name, or the name without an ending one may omit (王庄 for 王庄村)
  const START = 1;    // the start of the name
  const INSIDE = 2;   // further inside the name
  const IN_TEXT = 3;  // only in a content page's text

  const input = form.querySelector('input');
  const indexUrl = form.dataset.index;
  const root = indexUrl.replace(/search\.json$/, '');
  const el = (tag, cls) => Object.assign(document.createElement(tag), { className: cls || '' });
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

  let core = null;            // search.json, decoded (decodeCore), once it is in
  let officialSuffixes = [];  // 村民委员会, …: a query may carry them (王庄村民委员会 is 王庄)
  let simplified = new Map(); // 東 → 东: traditional characters of the indexed names (ts)
  let syllables = null;       // every syllable of the index, and every prefix of one: typo candidates
  let unusable = '';          // why the index that came cannot be used, shown instead of results
  let loading = null;
  const shards = new Map();   // a shard file's path → {entries} once fetched, {pending} while it is
  const known = new Map();    // villages and advisors by code or id: one object, whichever shards list it

  // -- the index: a core, then shards -----------------------------------------------------------

  // Character → its readings, the most common first. The index maps the other way, syllable →
  // characters, because that is smaller to send.
  function readingsByCharacter(data) {
    const readings = new Map();
    for (const bySyllable of [data.py, data.py2]) {
      for (const syllable of Object.keys(bySyllable)) {
        for (const ch of Array.from(bySyllable[syllable])) {
          if (!readings.has(ch)) readings.set(ch, []);
          readings.get(ch).push(syllable);
        }
      }
    }
    return readings;
  }

  // The reader's place, written by the page's template (overrides/data/chrome.html): its county-level
  // unit on a village, township or county page, its city on a city page or on a city's own site.
  const here = { county: form.dataset.county || '', city: form.dataset.city || '' };

  // The core: every record is an array, to stay small (the layout is in generator/site/search.py). This and
  // decodeShard are the one place that knows the positions. Counties, townships, retired names, the
  // pages and the hotline become entries at once; villages and advisors come with their shards.
  function decodeCore(data) {
    const readings = readingsByCharacter(data);
    const ends = data.ends;
    const withoutEnding = (s) => {  // 王庄村 → 王庄, 堂邑镇 → 堂邑; at least two characters stay
      for (const end of ends) if (s.endsWith(end) && s.length - end.length >= 2) return s.slice(0, -end.length);
      return s;
    };
    // A name as it is matched: its characters, their readings, and what a term must equal to be exact.
    const searchable = (text, exact) => {
      const chars = Array.from(text);
      return { text, chars, readings: chars.map((c) => readings.get(c)), exact: exact || [text, withoutEnding(text)] };
    };
    const cities = data.cities.map(([id, name, base]) => ({ id, name, base }));
    const counties = data.counties.map(([id, name, kind, city]) =>
      ({ id, name, kind: data.kinds[kind], city: cities[city] || null, searchable: searchable(name) }));
    const townships = data.townships.map(([code, name, county], position) =>
      ({ code, name, county: counties[county] || null, position, searchable: searchable(name) }));
    if (!here.city && here.county) {
      const mine = counties.find((c) => c.id === here.county);
      if (mine && mine.city) here.city = mine.city.id;
    }
    // How near a county-level unit is to the reader: 0 its own (or the reader is nowhere in particular), 1 its city, 2 further.
    const nearness = (county) => !county || (!here.county && !here.city) || county.id === here.county ? 0
      : county.city && county.city.id === here.city && here.city ? (here.county ? 1 : 0) : 2;
    // A page of a city whose pages are on its own site opens there (a city's site finds the whole province);
    // a city with no site yet (base null) has no page to open: '' (shown, not linked).
    const pageAt = (city, path) => (city && city.base === null ? '' : ((city && city.base) || root) + path);
    const url = (kind, id, county) => pageAt(county && county.city, data.url[kind].replace('{}', id));
    const c = { data, readings, searchable, withoutEnding, counties, townships, nearness, url, entries: [],
      advisorNames: new Map(), region: data.region, shards: data.shards };
    const out = c.entries;
    const digitsOf = (phone) => phone.replace(/\D/g, '');

    // The hotline first among equals: its number (and the local hotline's, with or without '-') finds it.
    const hotlines = data.tel || [];
    if (hotlines.length) {
      const name = `${hotlines[0]} 公共法律服务热线`;
      out.push(entry({ kind: 'page', name, line: '免费法律咨询 · ' + hotlines.join(' · '), url: root,
        names: [searchable(name, [name, '公共法律服务热线', '热线'])], phones: hotlines.map(digitsOf), position: -1 }));
    }
    // A province's cities (a roster of one city has none: its site is the city's), at their pages.
    if (data.url.city) {
      cities.forEach((city, i) => out.push(entry({ kind: 'city', name: city.name, line: '城市',
        url: pageAt(city, data.url.city.replace('{}', city.id)), names: [searchable(city.name)],
        near: !here.city || city.id === here.city ? 0 : 2, position: i })));
    }
    counties.forEach((county, i) => {
      const code = /^\d+$/.test(county.id) ? county.id : '';  // functional zones have a made-up id, not a code
      out.push(entry({ kind: 'county', name: county.name, line: county.kind, url: url('county', county.id, county),
        names: [county.searchable], code, near: nearness(county), position: i }));
    });
    for (const t of townships) {
      const county = t.county;
      out.push(entry({ kind: 'township', name: t.name, line: county ? county.name : '', url: url('township', t.code, county),
        names: [t.searchable], context: county ? [county.searchable] : [], code: t.code, near: nearness(county), position: t.position }));
    }
    // Retired villages (已并入…): the old name, on an old card or in memory, leads to today's page.
    (data.retired || []).forEach(([name, official, line, page, code], i) => {
      const exact = [name, withoutEnding(name), official];
      const names = official.startsWith(name) ? [searchable(official, exact)] : [searchable(name, exact), searchable(official, exact)];
      out.push(entry({ kind: 'village', name, line, url: url('village', page, null), names, code, position: 1e12 + i }));
    });
    c.pages = data.pages.map(([pageUrl, title, keywords], i) => {
      const short = title.split(' (')[0];  // 求法援 (法律援助): exact as 求法援 too
      const page = entry({ kind: 'page', name: title, line: '本站页面', url: root + pageUrl,
        names: [searchable(title, [title, short])], keywords: keywords || [], position: i });
      out.push(page);
      return page;
    });
    return c;
  }

  // One entry per thing that can be found: {kind, name, line (the result's second line), url,
  // names (matched against each term), context (names a term may match instead: the township,
  // county or advisor), code and phones (digits), body (a content page's text, once fetched),
  // near (0 the reader's own county-level unit, 1 its city, 2 further), position (roster order)};
  // a village's or advisor's (sharded) also the keys of its shards (mayMatch) and its shard record
  // until its names, line and url are made (raw: filled); and the last search
  // that met it (seen: each entry once, whichever shards list it), and of the box's queries the last
  // that tried it, how (tried, hit, found: see typedOn).
  // Every entry gets every field, in one order (one object shape keeps the matching loop fast).
  function entry(e) {
    return { kind: e.kind, name: e.name, line: e.line, url: e.url, names: e.names, context: e.context || [],
      code: e.code || '', phones: e.phones || [], body: null, keywords: e.keywords || [], near: e.near || 0, position: e.position,
      sharded: !!e.sharded, keys: e.sharded ? [] : null, raw: e.raw || null, seen: 0, tried: 0, hit: 0, found: null };
  }

  // A shard's villages and advisors as entries; one already known from another shard is reused.
  // Each entry notes the keys of the shards it was found in (mayMatch). What only matching its own
  // names or showing it needs is made when first needed (filled): of the thousands of entries a
  // shard brings, most are passed over by mayMatch, and ten at most are shown.
  function decodeShard(shard, key) {
    const c = core;
    const advisorName = (name) => {  // a village's advisor, as context (王庄 吴龙成): made once per name
      if (!c.advisorNames.has(name)) c.advisorNames.set(name, c.searchable(name));
      return c.advisorNames.get(name);
    };
    const out = [];
    for (const row of shard.villages || []) {
      const [codeInTownship, name, , townshipAt, advisor] = row;
      const t = c.townships[townshipAt], county = t.county, code = t.code + codeInTownship;
      let e = known.get(code);
      if (!e) {
        const context = county ? [t.searchable, county.searchable] : [t.searchable];
        if (advisor) context.push(advisorName(advisor));
        known.set(code, e = entry({ kind: 'village', name, context, code, near: c.nearness(county),
          position: t.position * 1e6 + Number(codeInTownship), sharded: true, raw: row }));
      }
      out.push(e);
      if (key && !e.keys.includes(key)) e.keys.push(key);
    }
    for (const row of shard.advisors || []) {
      const [position, id, name, phone, , townshipAt] = row;
      let e = known.get(id);
      if (!e) {
        const t = c.townships[townshipAt], county = t ? t.county : null;
        known.set(id, e = entry({ kind: 'advisor', name, context: t ? [t.searchable] : [], phones: [phone.replace(/\D/g, '')],
          near: c.nearness(county), position, sharded: true, raw: row }));
      }
      out.push(e);
      if (key && !e.keys.includes(key)) e.keys.push(key);
    }
    return out;
  }

  // A village's or advisor's names, second line and url, from its shard record.
  function filled(e) {
    if (!e.raw) return e;
    const c = core, data = c.data;
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
      const t = c.townships[townshipAt], county = t ? t.county : null;
      e.names = [c.searchable(name)];
      e.line = [t && t.name, data.roles[role], phone].filter(Boolean).join(' · ');
      e.url = c.url('advisor', id, county);
    }
    e.raw = null;
    return e;
  }

  const fetchJson = (url) => fetch(url).then((response) => { if (!response.ok) throw response; return response.json(); });

  const load = () => loading = loading || fetchJson(indexUrl)
    .then((data) => {
      // A cached script may meet a newer index or the reverse: read no layout it does not know.
      if (data.v !== FORMAT_VERSION) {
        console.warn(`search.json has format version ${data.v}, this search.js reads version ${FORMAT_VERSION}: no search`);
        unusable = '搜索数据与本页的版本不符，请刷新页面。';
      } else {
        officialSuffixes = data.strip;
        const pairs = Array.from(data.ts || '');
        simplified = new Map();
        for (let i = 0; i + 1 < pairs.length; i += 2) simplified.set(pairs[i], pairs[i + 1]);
        syllables = syllableSet(data);
        core = decodeCore(data);
      }
      if (!panel.hidden) run();
    })
    .catch(() => { loading = null; say('搜索数据没有载入，请检查网络后再输入一次。'); panel.setAttribute('aria-busy', 'false'); });

  // The pages' text is searched too (覆盖率 finds /stats/), but no place name is in it: it is fetched
  // after the first results are on screen, and the results are looked at again when it is in.
  let pageText = null;
  let textFailedFor = null;  // the query for which it could not be fetched: not tried again for it
  function loadPageText() {
    pageText = pageText || fetchJson(root + core.data.text).then((data) => {
      core.pages.forEach((page, i) => {
        // Searched by characters, and by digits with the dash of a landline (area code-number) left out.
        page.body = { text: data.text[i], digits: data.text[i].replace(/(\d)-(?=\d)/g, '$1') };
      });
      if (!panel.hidden) run();
    }).catch(() => { pageText = null; textFailedFor = normalize(input.value); if (!panel.hidden) run(); });
  }

  // -- which shards a query needs ------------------------------------------------------------

  // The first letters of a character's readings, as generator/site/search.py keys names; '_' when it has none.
  function lettersOf(ch) {
    if (/[a-z]/.test(ch)) return [ch];
    const readings = core.readings.get(ch);
    return readings ? Array.from(new Set(readings.map((r) => r[0]))).sort() : ['_'];
  }

  // The shard keys one word of the query needs (generator/site/search.py says what a key holds). A
  // character matches only itself, and a name is listed under every reading of each of its
  // characters: any one of its letters finds it. A pinyin word's first character may take one
  // letter, two…, or the whole first syllable (wangzhuang: w-a…, wa-n…, wan-g…, wang-z…): the
  // letter after each such start is a key; a word that may be one syllable needs the one-letter key.
  function keysOf(word) {
    const digits = word.replace(/-/g, '');
    if (/^\d{3,}$/.test(digits)) return ['d' + digits.slice(0, 3)].concat(digits.length >= 6 ? ['n' + digits.slice(0, 6)] : []);
    const chars = Array.from(word);
    const letter = (ch) => lettersOf(ch)[0];
    if (!/[a-z]/.test(chars[0])) return [chars.length > 1 ? letter(chars[0]) + letter(chars[1]) : letter(chars[0])];
    const keys = new Set();
    for (let k = 1; k <= chars.length && k <= 6; k++) {
      if (!/[a-z]/.test(chars[k - 1]) || !syllables.starts.has(chars.slice(0, k).join(''))) break;
      keys.add(k === chars.length ? chars[0] : chars[0] + letter(chars[k]));
    }
    return Array.from(keys);
  }

  // A shard's files: the whole shard's, or each region's piece's, by region.
  function shardFiles(key) {
    const shard = core.shards[key];
    if (typeof shard === 'string') return { '': `${root}search/${key}.${shard}.json` };
    const out = {};
    for (const region of Object.keys(shard || {})) out[region] = `${root}search/${key}-${region}.${shard[region]}.json`;
    return out;
  }

  // A word's shard keys, when every file of them is in (so an entry not noted under one is in none); else null.
  function loadedKeys(word) {
    const keys = keysOf(word);
    for (const key of keys) {
      const files = shardFiles(key);
      if (!Object.keys(files).every((region) => isLoaded(files[region]))) return null;
    }
    return keys;
  }

  // The shard files a query needs, in two tiers: those the first results wait for (a whole shard, or
  // the reader's region's piece of a split one), then the other regions' pieces, fetched after.
  function shardsFor(query) {
    const first = [], later = [];
    const mine = core.region === 'city' ? here.city : here.county;
    const words = query.split(/[\s,，、]+/).filter(Boolean);
    // Pinyin words may be one name's syllables (wang zhuang → wangzhuang, readingsOfWords): the
    // joined words' shards too, which are smaller than a syllable's own (wz, not w) and let
    // mayMatch pass over most entries.
    const joined = [];
    words.forEach((word, i) => {
      let text = word;
      for (let j = i + 1; j < words.length && j <= i + 3 && isLatin(text) && isLatin(words[j]); j++) joined.push(text += words[j]);
    });
    for (const word of words.concat(joined)) {
      for (const key of keysOf(word)) {
        const files = shardFiles(key);
        for (const region of Object.keys(files)) {
          // A whole shard, the reader's piece, or any piece for a reader nowhere in particular (a province's home page).
          (!region || region === mine || !mine ? first : later).push(files[region]);
        }
      }
    }
    return { first: Array.from(new Set(first)), later: Array.from(new Set(later)) };
  }

  // Shards that could not be fetched for the query on screen (no signal): it is answered without
  // them, from the near file (below) and what is in; the next query tries them again.
  const failed = new Set();
  let failedFor = null;

  // Fetch a shard file once; the promise never fails (a failure is noted in `failed`). Other regions'
  // pieces (`later`) are fetched a few at a time (LATER_AT_ONCE): a query's first pieces, asked for
  // as a reader types on, must not wait behind dozens of them for a connection (a browser opens six
  // to a site over HTTP/1.1). A waiting piece that a query needs first is asked for at once.
  const LATER_AT_ONCE = 3;
  const waiting = [];  // later pieces not asked for yet: [path, ask]
  let laterAsked = 0;  // later pieces on their way
  function fetchShard(path, later) {
    if (!shards.has(path)) {
      let ask;  // called with whether the piece takes one of the later ones' places
      const asked = new Promise((resolve) => { ask = resolve; });
      const pending = asked.then((place) => fetchJson(path)
        .then((data) => { shards.set(path, { entries: decodeShard(data, keyOf(path)) }); })
        .catch(() => { shards.delete(path); failed.add(path); })
        .then(() => { if (place) { laterAsked--; askLater(); } }));
      shards.set(path, { pending });
      if (later) waiting.push([path, ask]); else ask(false);
    } else if (!later) {
      const at = waiting.findIndex(([waits]) => waits === path);
      if (at >= 0) waiting.splice(at, 1)[0][1](false);
    }
    askLater();
    return shards.get(path).pending || Promise.resolve();
  }

  // While the reader types, other regions' pieces are not asked for: each brings thousands of
  // places to decode and search, which a keystroke's own answer would wait behind (a one-letter
  // word asks for sixteen). They are asked for once no key came for TYPING_MS.
  const TYPING_MS = 150;
  let lastKey = -Infinity, laterTimer = 0;
  let wanted = new Set();  // the later pieces the query on screen needs (run)
  function askLater() {
    const wait = lastKey + TYPING_MS - performance.now();
    if (wait > 0) {
      laterTimer = laterTimer || setTimeout(() => { laterTimer = 0; askLater(); }, wait);
      return;
    }
    while (laterAsked < LATER_AT_ONCE && waiting.length) {
      laterAsked++;
      const at = waiting.findIndex(([path]) => wanted.has(path));  // the query on screen's pieces first
      waiting.splice(Math.max(at, 0), 1)[0][1](true);
    }
  }

  const isLoaded = (path) => shards.has(path) && !shards.get(path).pending;

  // search/wz.<digest>.json → wz, search/w-3715.<digest>.json → w; the near file has no key.
  function keyOf(path) {
    const key = path.split('/').pop().split('.')[0].split('-')[0];
    return key === 'near' ? '' : key;
  }

  // Every village and advisor of the reader's own region (generator/site/search.py, "near"): fetched after the
  // first results, so that the service worker keeps it and search without signal still finds any place
  // nearby, not only the shards of queries typed before.
  let near;  // its path; '' when the page is nowhere in particular; undefined until it is first wanted
  function loadNear() {
    if (near === undefined) {
      const mine = core.region === 'city' ? here.city : here.county;
      const digest = mine && core.data.near[mine];
      near = digest ? `${root}search/near-${mine}.${digest}.json` : '';
    }
    return near ? fetchShard(near) : Promise.resolve();
  }

  // What a query is matched against: the core's entries, then those of each loaded shard file.
  const listsFor = (paths) => [core.entries].concat(paths.filter(isLoaded).map((path) => shards.get(path).entries));

  // -- matching ----------------------------------------------------------------------------

  // A match: into how many words the query was read (wang zhuang is first one word, wangzhuang,
  // and only then two: 王庄村 and 王庄集镇 before 王村 in 王庄乡), where the term matched (EXACT …
  // IN_TEXT), whether it needed a less common reading (王 as yu), and whether it cut a syllable
  // short before the last one (w for wang, initials). Each is a key of its own, compared in that order.
  function compareMatches(a, b) {
    return a.words - b.words || a.place - b.place || a.rareReading - b.rareReading || a.shortened - b.shortened;
  }

  const plainMatch = (place) => ({ words: 0, place, rareReading: false, shortened: false });

  // Walk the name from character `at`, with the query's characters from `used` on, and record
  // in `ends` every way the query is used up: at which character, and what it took. A character
  // matches itself, or any prefix of one of its readings (full pinyin, initials and all between).
  function collectEnds(name, query, at, used, rareReading, shortened, ends) {
    if (used === query.length) { ends.push({ end: at, rareReading, shortened }); return; }
    if (at === name.chars.length) return;
    if (query[used] === name.chars[at]) collectEnds(name, query, at + 1, used + 1, rareReading, shortened, ends);
    const readings = name.readings[at];
    if (!readings) return;
    for (let r = 0; r < readings.length; r++) {
      const reading = readings[r];
      let typed = 0;  // how much of this reading the query spells from here
      while (typed < reading.length && reading[typed] === query[used + typed]) typed++;
      for (; typed > 0; typed--) {
        // The query's last syllable may be short: it is still being typed.
        const cut = typed < reading.length && used + typed < query.length;
        collectEnds(name, query, at + 1, used + typed, rareReading || r > 0, shortened || cut, ends);
      }
    }
  }

  // How well a term matches a name (a match, or null). Latin letters are matched against the
  // readings; characters and digits, and anything in a page's text, as a substring.
  function matchName(name, term) {
    if (!name.chars || !term.latin) {
      const at = name.text.indexOf(term.text);
      if (at < 0) return null;
      return plainMatch(!name.chars ? IN_TEXT : at > 0 ? INSIDE : name.exact.includes(term.text) ? EXACT : START);
    }
    for (let start = 0; start < name.chars.length; start++) {
      const ends = [];
      collectEnds(name, term.chars, start, 0, false, false, ends);
      if (!ends.length) continue;
      // The first character the term fits from decides the place; of its ways to fit there, the best.
      let best = null;
      for (const { end, rareReading, shortened } of ends) {
        const place = start > 0 ? INSIDE : name.exact.includes(name.chars.slice(0, end).join('')) ? EXACT : START;
        const match = { words: 0, place, rareReading, shortened };
        if (!best || compareMatches(match, best) < 0) best = match;
      }
      return best;
    }
    return null;
  }

  // A word of the query. Three or more digits (dashes allowed: 132-4535-6775) are a phone
  // number or a statistical code.
  function parseTerm(text) {
    const digits = text.replace(/-/g, '');
    if (/^\d{3,}$/.test(digits)) return { text: digits, digits: true, latin: false };
    const term = { text, chars: Array.from(text), digits: false, latin: /[a-z]/.test(text), contextMatched: new Map() };
    term.alone = [term];
    term.forVillages = [term];  // 王庄村民委员会 is also tried as 王庄
    for (const suffix of officialSuffixes) {
      if (text.endsWith(suffix) && text.length > suffix.length) { term.forVillages.push(parseTerm(text.slice(0, -suffix.length))); break; }
    }
    return term;
  }

  function bestMatch(names, terms) {
    let best = null;
    for (const name of names) {
      for (const term of terms) {
        const match = matchName(name, term);
        if (match && (!best || compareMatches(match, best) < 0)) best = match;
      }
    }
    return best;
  }

  function matchDigits(entry, digits) {
    let best = null;
    for (const phone of entry.phones) {
      const at = phone.indexOf(digits);
      const place = at < 0 ? null : phone === digits ? EXACT : at > 0 ? INSIDE : START;
      if (place !== null && (!best || place < best.place)) best = plainMatch(place);
    }
    if (best) return best;
    // Codes only from six digits on: fewer would start every code of the prefecture.
    if (entry.code && digits.length >= 6 && entry.code.startsWith(digits)) return plainMatch(entry.code === digits ? EXACT : START);
    // A page that gives the number (12348 in every guide).
    if (entry.body && digits.length >= 5 && entry.body.digits.includes(digits)) return plainMatch(IN_TEXT);
    return null;
  }

  // A page's keywords: everyday words for the trouble its service helps with (离婚, 欠薪). The
  // whole word is exact; the start of one (two characters at least) is a start; a question that
  // holds one (法律援助怎么申请) matches inside.
  function matchKeywords(entry, term) {
    if (term.latin || !entry.keywords.length) return null;
    let best = null;
    for (const word of entry.keywords) {
      const place = term.text === word ? EXACT
        : term.chars.length >= 2 && word.startsWith(term.text) ? START
          : term.text.includes(word) ? INSIDE : null;
      if (place !== null && (!best || place < best.place)) best = plainMatch(place);
    }
    return best;
  }

  // How well one term matches the entry itself (its names, a page's text), or null.
  function matchTerm(entry, term) {
    if (term.digits) return matchDigits(entry, term.text);
    let found = bestMatch(filled(entry).names, entry.kind === 'village' ? term.forVillages : term.alone);
    const keyword = matchKeywords(entry, term);
    if (keyword && (!found || compareMatches(keyword, found) < 0)) found = keyword;
    if (found || !entry.body) return found;
    return matchName(entry.body, term);
  }

  // matchTerm, worked out once for an entry however many ways to read the query share the term.
  function matchOnce(entry, term) {
    if (term.entry !== entry) { term.entry = entry; term.match = matchTerm(entry, term); }
    return term.match;
  }

  // Whether a term that missed the entry's own names matches its township, county or advisor
  // (王庄 沙镇). Remembered per term: thousands of villages share a few townships.
  function matchesContext(entry, term) {
    if (term.digits) return false;
    for (const name of entry.context) {
      if (!term.contextMatched.has(name)) term.contextMatched.set(name, matchName(name, term) !== null);
      if (term.contextMatched.get(name)) return true;
    }
    return false;
  }

  // The entry's best match over the terms; every term must match it or its context, and one
  // at least the entry itself. Null when the entry is not a result: NEAR_MISS when every term
  // matched, but only its context (typedOn).
  const NEAR_MISS = plainMatch(IN_TEXT);
  function matchEntry(entry, terms) {
    let best = null;
    for (const term of terms) {
      const match = matchOnce(entry, term);
      if (match) { if (!best || compareMatches(match, best) < 0) best = match; } else if (!matchesContext(entry, term)) return null;
    }
    return best || NEAR_MISS;
  }

  // Which of two results comes first: into how many words the query was read, where it matched
  // (EXACT … IN_TEXT), whether it cut a syllable short, then the nearer place (the reader's own
  // county-level unit, then its city: of 16 cities' 王庄村, the reader's own), then whether it
  // needed a less common reading, the kind (KIND_ORDER), the shorter name, the earlier entry.
  // Nearness comes after where the name matched, so a name typed whole still beats a nearer name it
  // only starts or is inside of: a villager who types a whole name means that place; and after a
  // syllable cut short, which reads the query as other words (qiandongcun is 前董村 before a nearer
  // 前董家村 read as q-ian-dong…). It comes before the reading, because lu for 吕 is how the reader
  // spells, not another place: luzhuang typed in 堂邑 is the 吕庄 there before a 路庄 of another city.
  // Each key is compared on its own, so the order holds for any number of entries (one packed
  // number did not past 100,000).
  function compareHits(a, b) {
    const x = a.match, y = b.match;
    return x.words - y.words || x.place - y.place || x.shortened - y.shortened
      || a.entry.near - b.entry.near
      || x.rareReading - y.rareReading
      || KIND_ORDER[a.entry.kind] - KIND_ORDER[b.entry.kind]
      || a.entry.name.length - b.entry.name.length
      || a.entry.position - b.entry.position;
  }

  // What the box holds, as the index writes it: NFKC makes full-width letters, digits and spaces
  // (ｗａｎｇ１２３４８, from a Chinese IME) plain; then lower case, ü as v (lüzhuang, Lüzhuang),
  // and traditional characters as simplified (東昌府 → 东昌府).
  function normalize(text) {
    const plain = (text.normalize ? text.normalize('NFKC') : text).toLowerCase().replace(/ü|u:/g, 'v');
    return Array.from(plain, (c) => simplified.get(c) || c).join('').trim();
  }

  const isLatin = (word) => /^[a-z]+$/.test(word);

  // The ways to read the query's words: as typed, and with neighbouring pinyin words joined
  // (wang zhuang → wangzhuang), fewest words first. Up to four neighbours are joined.
  function readingsOfWords(words) {
    let ways = [[]];
    for (const word of words) {
      const next = [];
      for (const way of ways) {
        const last = way[way.length - 1];
        if (last !== undefined && isLatin(last) && isLatin(word) && way.joined < 3) {
          const joined = way.slice(0, -1).concat(last + word);
          joined.joined = (way.joined || 0) + 1;
          next.push(joined);
        }
        const apart = way.concat(word);
        apart.joined = way.joined || 0;
        next.push(apart);
      }
      ways = next;
    }
    return ways.sort((a, b) => a.length - b.length);
  }

  // Whether an entry may match every term of a way, as a cheap test before matching: a village or
  // advisor can match a term itself only if it is in the term's shards (they list every name the
  // term's first letters occur in), else only by its context. `own` has the bits (readQuery) of the
  // terms whose shards list the entry (or that cannot tell); the way's other terms must match its
  // context. Without it, spaced pinyin (wang zhuang sha zhen: eight ways to read, the one-letter
  // shards of four words) matched every entry in every way.
  function mayMatch(entry, way, own) {
    const missing = way.need & ~own;
    if (!missing) return true;
    for (const term of way) if ((term.bit & missing) && !matchesContext(entry, term)) return false;
    return true;
  }

  // The ways to read the query's words, as terms. A term is made once however many ways share it
  // (wang in wang zhuang sha and in wang zhuangsha: its matches are worked out once an entry), with
  // the keys of the shards that list every name it may match, and a bit, for mayMatch: `keyBits`
  // maps a key to the bits of the terms it lists, `always` has those of the terms whose shards are
  // not all in (they may match anything). Past 31 terms (nine words or more) a term has no bit and
  // is simply matched.
  function readQuery(words) {
    const made = new Map(), keyBits = new Map();
    let always = 0;
    const ways = readingsOfWords(words).map((texts) => {
      let at = 0;  // the first word a term is made of
      const way = texts.map((text) => {
        const first = words[at];
        let joined = words[at++];
        while (at < words.length && joined.length < text.length) joined += words[at++];
        const id = text + ' ' + first;
        if (!made.has(id)) {
          const term = parseTerm(text);
          // wang zhuang read as one word, wangzhuang, starts with wang's letters: it is in wang's shards
          term.keys = loadedKeys(term.text) || loadedKeys(first);
          term.bit = made.size < 31 ? 1 << made.size : 0;
          term.entry = null;  // the entry last matched against, and how (matchOnce)
          term.match = null;
          if (term.keys) for (const key of term.keys) keyBits.set(key, (keyBits.get(key) || 0) | term.bit);
          else always |= term.bit;
          made.set(id, term);
        }
        return made.get(id);
      });
      way.need = way.reduce((bits, term) => bits | term.bit, 0);
      return way;
    });
    return { ways, keyBits, always };
  }

  // The box's queries, one after another, and what each learns for the next. Pinyin is matched a
  // letter at a time, so a query of letters and spaces that the previous query starts (wang zhuang
  // sha zhe → wang zhuang sha zhen; wang zhuang → wang zhuang s) finds nothing that the previous one
  // did not let through: a village or advisor of which no way to read the previous query had every
  // term in its names or its context (township, county, advisor) has none for the new one either,
  // since every way to read it, with its new letters or word left out, is a way to read the previous
  // one, and a term matches wherever a longer one does. Such an entry is passed over; one that the
  // previous query never met (a new shard's) is tried. The same query again (its other regions'
  // shards came in) takes what it found before. Not for characters or digits: 王庄村民委员 finds
  // nothing where 王庄村民委员会 finds 王庄村 (an official suffix), nor 法律援助怎 where 法律援助怎么申请
  // finds legal aid (a keyword inside the question); two digits are text, three a phone number.
  // Each entry keeps, of the last query that tried it (tried: its number), whether it matched
  // (hit: 2, and how: found), matched only by its context (1) or not at all (0). Pages are tried
  // every time: their text comes later.
  let lastTyped = { query: null, id: 0, from: -1 };
  function typedOn(query) {
    const letters = /^[a-z ]+$/;
    if (query !== lastTyped.query) {
      const from = lastTyped.query !== null && letters.test(query) && letters.test(lastTyped.query)
        && query.startsWith(lastTyped.query) ? lastTyped.id : -1;
      lastTyped = { query, id: lastTyped.id + 1, from };
    }
    return lastTyped;
  }

  // The query's results in the lists of entries (each entry counts once, whichever lists have it):
  // how many, the first MAX_SHOWN in order, its terms as typed, the best match, and whether it
  // searched every list (complete). `chain` (typedOn): the box's query, which notes on each village,
  // township, unit and advisor what it found. `slice`: search the first `slice.all` lists, then the
  // others until the page's clock passes `slice.until`, so that a task stays short (run).
  let searches = 0;
  function search(query, lists, chain, slice) {
    const words = query.split(/[\s,，、]+/).filter(Boolean);
    const { ways, keyBits, always } = readQuery(words);
    const terms = ways[ways.length - 1];  // as typed: what a snippet looks for
    const seen = ++searches;
    // Only the results shown are kept in order: sorting every hit would cost most on the
    // shortest queries, which match the most entries.
    const top = [];
    let count = 0, tries = 0, searched = 0, complete = true, late = false;
    const add = (entry, match) => {
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
        if (late && searched >= slice.all) { complete = false; break search; }
        if (entry.seen === seen) continue;
        entry.seen = seen;
        const noted = chain && entry.kind !== 'page';
        if (noted && entry.tried === chain.id) { if (entry.hit === 2) add(entry, entry.found); continue; }
        if (noted && entry.tried === chain.from && entry.hit === 0) { entry.tried = chain.id; continue; }
        if (slice && ++tries % 256 === 0) late = performance.now() > slice.until;
        let own = -1;  // a county, township or page may match any term
        if (entry.sharded) {
          own = always;
          for (const key of entry.keys) own |= keyBits.get(key) || 0;
        }
        let match = null, near = false;
        for (const way of ways) {  // fewest words first: the first reading that matches is the best
          if (match && way.length > match.words) break;
          if (!mayMatch(entry, way, own)) continue;
          const found = matchEntry(entry, way);
          if (found === NEAR_MISS) { near = true; continue; }
          const read = found && { ...found, words: way.length };
          if (read && (!match || compareMatches(read, match) < 0)) match = read;
        }
        if (noted) { entry.tried = chain.id; entry.hit = match ? 2 : near ? 1 : 0; entry.found = match; }
        if (match) add(entry, match);
      }
      searched++;
    }
    return { count, top: top.map((hit) => hit.entry), terms, best: top.length ? top[0].match : null, complete };
  }

  // -- typos: one letter wrong, missing, extra or two swapped, in pinyin ------------------------

  // Every syllable of the index (py, py2), and every start of one: a typo's correction must
  // read as whole syllables, its last one perhaps still being typed.
  function syllableSet(data) {
    const whole = new Set(Object.keys(data.py).concat(Object.keys(data.py2)));
    const starts = new Set();
    for (const s of whole) for (let i = 1; i <= s.length; i++) starts.add(s.slice(0, i));
    return { whole, starts };
  }

  // Whether the letters split into whole syllables of the index (2), into syllables whose last
  // one is cut short (1: still being typed), or not at all (0).
  function readsAsPinyin(word) {
    const ok = new Array(word.length + 1).fill(false);
    ok[0] = true;
    let cut = false;
    for (let i = 0; i < word.length; i++) {
      if (!ok[i]) continue;
      for (let j = i + 1; j <= Math.min(word.length, i + 6); j++) {
        const piece = word.slice(i, j);
        if (syllables.whole.has(piece)) ok[j] = true;
        else if (j === word.length && syllables.starts.has(piece)) cut = true;
      }
    }
    return ok[word.length] ? 2 : cut ? 1 : 0;
  }

  // The words one edit away from `word` that read as pinyin, in a fixed order.
  function oneEditAway(word) {
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    const out = new Set();
    for (let i = 0; i <= word.length; i++) {
      const head = word.slice(0, i), tail = word.slice(i);
      if (tail) out.add(head + tail.slice(1));                                     // one letter too many
      if (tail.length > 1) out.add(head + tail[1] + tail[0] + tail.slice(2));       // two letters swapped
      for (const c of letters) {
        if (tail) out.add(head + c + tail.slice(1));                               // one letter wrong
        out.add(head + c + tail);                                                  // one letter missing
      }
    }
    out.delete(word);
    return Array.from(out).filter((w) => w.length >= 2 && readsAsPinyin(w) > 0);
  }

  // When nothing matches, the query with one pinyin word corrected. Of the corrections that find
  // something, the best reads as whole syllables, then cuts no syllable short, then is the longest
  // (a letter left out is the commonest slip: dongcangfu → dongchangfu rather than dongcangcu,
  // baigudiu → baigudui rather than baigudu), then finds a whole name, then finds the most
  // (wangzhaung → wangzhuang, 28 villages called 王庄, rather than wangzhang).
  // Each correction is one search of the whole index, so they are tried one per task, after the
  // keystroke's own answer is on screen: typing stays quick, and a new keystroke drops the rest.
  let correcting = 0;  // which query's corrections are running; another keystroke makes them stale
  function correct(query, done) {
    const words = query.split(/[\s,，、]+/).filter(Boolean);
    const tries = [];
    words.forEach((word, i) => {
      if (!isLatin(word) || word.length < 3) return;
      for (const fixed of oneEditAway(word)) tries.push([fixed, words.map((w, j) => (j === i ? fixed : w)).join(' ')]);
    });
    const mine = ++correcting;
    let best = null;
    const step = (at) => {
      if (mine !== correcting) return;
      if (at === tries.length) { done(best); return; }
      const [fixed, text] = tries[at];
      const needed = shardsFor(text);
      // Only what is fetched already: a correction that needs other shards (its first letters
      // differ from the query's) is not tried, to keep a typo from fetching half the province.
      if (!needed.first.concat(needed.later).every(isLoaded)) { setTimeout(step, 0, at + 1); return; }
      const found = search(text, listsFor(needed.first.concat(needed.later)));
      if (found.count) {
        const score = [readsAsPinyin(fixed), found.best.shortened ? 0 : 1, fixed.length, found.best.place === EXACT ? 1 : 0, found.count];
        const k = best ? score.findIndex((v, i) => v !== best.score[i]) : -1;
        if (!best || (k >= 0 && score[k] > best.score[k])) best = { text, found, score };
      }
      setTimeout(step, 0, at + 1);
    };
    if (tries.length) setTimeout(step, 0, 0);
  }

  // -- the panel -------------------------------------------------------------------------------

  function say(text) { status.textContent = text; panel.hidden = false; }

  // A content page's second line: its text around the first term found there.
  function snippet(entry, terms) {
    if (!entry.body) return entry.line;
    const text = entry.body.text;
    for (const term of terms) {  // an everyday word it helps with (离婚)
      const word = !term.latin && !term.digits && entry.keywords.find((k) => term.text === k || k.startsWith(term.text) || term.text.includes(k));
      if (word) return `能帮您：${word}`;
    }
    for (const term of terms) {
      const at = term.latin || term.digits ? -1 : text.indexOf(term.text);
      if (at >= 0) return (at > 12 ? '…' : '') + text.slice(Math.max(0, at - 12), at + term.text.length + 18) + '…';
    }
    return entry.line;
  }

  // state: busy (more is being fetched for this query), further (other regions' pieces among it),
  // offline (some shards could not be fetched).
  // The list is made again only when what it shows changed: a search that goes on over other
  // regions' pieces mostly changes the count alone.
  let listed = '';
  function show(found, query, corrected, state) {
    const { busy, further, offline } = state || {};
    const rows = found.top.map(filled).map((entry) => [entry.url, entry.name, entry.kind === 'page' ? snippet(entry, found.terms) : entry.line]);
    const rowsKey = JSON.stringify(rows);
    if (rowsKey !== listed || rows.length !== list.childElementCount) {
      listed = rowsKey;
      list.textContent = '';
      for (const [url, text, sub] of rows) {
        // a place of a city whose site is not open yet: named, with no link to a page this site lacks
        const li = el('li'), a = el(url ? 'a' : 'span', url ? '' : 'dir-search__nolink');
        const name = el('span', 'dir-search__name'), line = el('span', 'dir-search__sub');
        if (url) a.href = url;
        name.textContent = text;
        line.textContent = url ? sub : `${sub}${sub ? ' · ' : ''}该市网站尚未开通`;
        a.append(name, line);
        li.append(a);
        list.append(li);
      }
    }
    const more = further ? '，正在查找其他地方…' : offline ? '（没有网络：只查了附近和查过的地方）' : '';
    say(corrected ? `没有找到“${query}”。你是不是要找：${corrected}？`
      : found.count === 0 ? (further ? '附近没有找到，正在查找其他地方…' : offline ? '没有网络，附近和查过的地方里没有找到。'
        : '没有找到。可以换个写法：村名、乡镇名、拼音或首字母。')
      : found.count > MAX_SHOWN ? `找到 ${found.count} 个${more}，显示前 ${MAX_SHOWN} 个；加一个乡镇名（用空格隔开）可以缩小范围。`
        : `找到 ${found.count} 个${more}。`);
    // For tests and bench/search.py: which query the list shows, and whether more is coming.
    list.dataset.query = query;
    panel.setAttribute('aria-busy', busy ? 'true' : 'false');
    form.dispatchEvent(new CustomEvent('dir-search-results', { detail: { query, busy: !!busy } }));
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
  function run() {
    correcting++;  // a new query: corrections of the last one are stale
    const query = normalize(input.value);
    if (!query) { panel.hidden = true; list.textContent = ''; return; }
    if (unusable) { list.textContent = ''; say(unusable); panel.setAttribute('aria-busy', 'false'); return; }
    if (!core) { say('正在载入搜索数据…'); panel.setAttribute('aria-busy', 'true'); load(); return; }
    if (query !== failedFor) { failed.clear(); failedFor = query; }
    // Once what was fetched is in: the same query, unless the reader closed the list meanwhile.
    const again = () => { if (!panel.hidden && normalize(input.value) === query) run(); };
    const needed = shardsFor(query), all = needed.first.concat(needed.later);
    const missing = needed.first.filter((path) => !isLoaded(path) && !failed.has(path));
    if (missing.length) {
      if (!list.childElementCount) say('正在载入搜索数据…');
      panel.setAttribute('aria-busy', 'true');
      Promise.all(missing.map((path) => fetchShard(path))).then(again);
      return;
    }
    const later = needed.later.filter((path) => !isLoaded(path) && !failed.has(path));
    wanted = new Set(later);
    const offline = all.some((path) => failed.has(path));
    const nearPending = offline && (near === undefined || (near && !isLoaded(near) && !failed.has(near)));
    // The pages' text: only a query with characters or digits can match it.
    const textPending = !core.pages.every((p) => p.body) && textFailedFor !== query && !/^[a-z\s]+$/.test(query);
    const bySize = (a, b) => a.length - b.length;
    const first = listsFor(offline && near ? needed.first.concat(near) : needed.first).slice(1).sort(bySize);
    const others = listsFor(needed.later).slice(1).sort(bySize);
    const found = search(query, [core.entries].concat(first, others), typedOn(query), { all: 1, until: performance.now() + SLICE_MS });
    const unsearched = !found.complete;
    const further = later.length > 0 || unsearched;
    show(found, query, null, { busy: further || textPending || nearPending, further, offline });
    if (!pageText && textFailedFor !== query) loadPageText();
    if (unsearched) searchOn();
    if (nearPending) {
      loadNear().then(again);
    } else if (later.length) {
      for (const path of later) fetchShard(path, true).then(searchOn);
    } else if (!unsearched) {
      loadNear();
      if (!found.count && /[a-z]/.test(query)) correct(query, (best) => { if (best && !panel.hidden) show(best.found, query, best.text); });
    }
  }

  for (const ev of ['focus', 'pointerdown', 'touchstart']) input.addEventListener(ev, load, { passive: true });
  input.addEventListener('input', () => { lastKey = performance.now(); run(); });
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
    const next = all.indexOf(document.activeElement) + (ev.key === 'ArrowDown' ? 1 : -1);
    ev.preventDefault();
    if (next < 0) input.focus(); else all[Math.min(next, all.length - 1)].focus();
  });
  document.addEventListener('pointerdown', (ev) => { if (!form.contains(ev.target)) panel.hidden = true; });
})();
