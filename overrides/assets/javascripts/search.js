/* Header search by characters, pinyin, initials or phone digits. search.json (generator/search.py)
   is fetched on first touch of the box and indexed once; each keystroke matches synchronously. */
(() => {
  'use strict';
  const form = document.querySelector('form.dir-search');
  if (!form || !window.fetch || !Array.from) return;
  const input = form.querySelector('input');
  const root = form.dataset.index.replace(/search\.json$/, '');
  const MAX = 10;
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

  // Entries: k kind, n name, s 2nd line, u url, m names, c context, p phone, d code, t text.
  let E = null, STRIP = [], loading = null;

  function build(x) {
    const py = new Map();  // character → readings, its most common one first
    for (const map of [x.py, x.py2]) {
      for (const syl of Object.keys(map)) {
        for (const ch of Array.from(map[syl])) {
          if (!py.has(ch)) py.set(ch, []);
          py.get(ch).push(syl);
        }
      }
    }
    const core = (s) => {  // 王庄村 → 王庄, 堂邑镇 → 堂邑; at least two characters stay
      for (const end of x.ends) if (s.endsWith(end) && s.length - end.length >= 2) return s.slice(0, -end.length);
      return s;
    };
    // A name to match: its characters, their readings, and the prefixes that count as exact.
    const name = (s, exact) => {
      const cs = Array.from(s);
      return { s, cs, rd: cs.map((c) => py.get(c)), ex: exact || [s, core(s)] };
    };
    const url = (k, id) => root + x.url[k].replace('{}', id);
    const counties = x.counties.map(([id, n, kind]) => ({ id, n, m: name(n), kind: x.kinds[kind] }));
    const townships = x.townships.map(([code, n, ci]) => ({ code, n, m: name(n), county: counties[ci] }));
    const advisors = x.advisors.map(([id, n, phone, role, ti]) => ({ id, n, m: name(n), phone, role: x.roles[role], t: townships[ti] }));
    const out = [];
    for (const c of counties) out.push({ k: 0, n: c.n, s: c.kind, u: url('county', c.id), m: [c.m], c: [], d: /^\d+$/.test(c.id) ? c.id : '' });
    for (const t of townships) {
      const c = t.county;
      out.push({ k: 1, n: t.n, s: c ? c.n : '', u: url('township', t.code), m: [t.m], c: c ? [c.m] : [], d: t.code });
    }
    for (const [suffix, short, tail, ti, ai, official] of x.villages) {
      const t = townships[ti], a = advisors[ai], c = t.county;
      const full = official || short + x.tails[tail];
      const ex = [short, core(short), full];
      const m = official ? [name(short, ex), name(full, ex)] : [name(full, ex)];
      const ctx = [t.m].concat(c ? [c.m] : [], a ? [a.m] : []);
      const s = [t.n, c && c.n, a ? '顾问 ' + a.n : '暂无顾问'].filter(Boolean).join(' · ');
      const d = t.code + suffix;
      out.push({ k: 2, n: short, s, u: url('village', d), m, c: ctx, d });
    }
    for (const a of advisors) {
      const s = [a.t && a.t.n, a.role, a.phone].filter(Boolean).join(' · ');
      out.push({ k: 3, n: a.n, s, u: url('advisor', a.id), m: [a.m], c: a.t ? [a.t.m] : [], p: a.phone.replace(/\D/g, '') });
    }
    for (const [u, title, text] of x.pages) {
      const short = title.split(' (')[0];
      const tm = { s: text };
      out.push({ k: 4, n: title, s: '本站页面', u: root + u, m: [name(title, [title, short])], c: [tm], t: tm });
    }
    STRIP = x.strip;
    E = out;
  }

  const load = () => loading = loading || fetch(form.dataset.index)
    .then((r) => { if (!r.ok) throw r; return r.json(); })
    .then((x) => { build(x); run(); })
    .catch(() => { loading = null; say('搜索数据没有载入，请检查网络后再输入一次。'); });

  // Collect in `ends` (end, fuzz) for every character position at which query q (from p)
  // is used up, walking the name from character j: a character matches itself, or any prefix
  // of one of its readings (full pinyin, initials and everything between). Fuzz counts, in
  // hundreds, the less common readings used (王 as yu) and, in units, the syllables cut short
  // before the last one (yu for yuan, w for wang).
  function reach(m, q, j, p, f, ends) {
    if (p === q.length) { ends.push(j, f); return; }
    if (j === m.cs.length) return;
    if (q[p] === m.cs[j]) reach(m, q, j + 1, p + 1, f, ends);
    const rs = m.rd[j];
    if (!rs) return;
    for (let i = 0; i < rs.length; i++) {
      const r = rs[i];
      let k = 0;
      while (k < r.length && r[k] === q[p + k]) k++;
      for (; k > 0; k--) reach(m, q, j + 1, p + k, f + (i > 0 ? 100 : 0) + (k < r.length && p + k < q.length), ends);
    }
  }

  // 0 exact, 4 starts the name, 8 inside the name, 12 in a page's text; +2 when a less common
  // reading was needed, +1 when syllables were cut short; -1 no match.
  function tier(m, t) {
    if (!m.cs || !t.latin) {
      const i = m.s.indexOf(t.q);
      if (i < 0) return -1;
      if (!m.cs) return 12;
      return i ? 8 : m.ex.indexOf(t.q) >= 0 ? 0 : 4;
    }
    const ends = [];
    for (let j = 0; j < m.cs.length; j++) {
      reach(m, t.qs, j, 0, 0, ends);
      if (!ends.length) continue;
      let b = 99;
      for (let i = 0; i < ends.length; i += 2) {
        const f = ends[i + 1];
        const x = (j ? 8 : m.ex.indexOf(m.cs.slice(0, ends[i]).join('')) >= 0 ? 0 : 4) + (f >= 100 ? 2 : 0) + (f % 100 > 0);
        if (x < b) b = x;
      }
      return b;
    }
    return -1;
  }

  function term(q) {
    const digits = q.replace(/-/g, '');
    if (/^\d{3,}$/.test(digits)) return { q: digits, digits: true };
    const t = { q, qs: Array.from(q), latin: /[a-z]/.test(q), seen: new Map() };
    t.one = [t];
    t.all = [t];  // for villages, 王庄村民委员会 is also tried as 王庄
    for (const s of STRIP) if (q.endsWith(s) && q.length > s.length) { t.all.push(term(q.slice(0, -s.length))); break; }
    return t;
  }

  function best(ms, ts) {
    let b = -1;
    for (const m of ms) {
      for (const u of ts) { const x = tier(m, u); if (x >= 0 && (b < 0 || x < b)) b = x; }
    }
    return b;
  }

  function score(e, t) {
    if (t.digits) {
      if (e.p) { const i = e.p.indexOf(t.q); if (i >= 0) return e.p === t.q ? 0 : i ? 8 : 4; }
      if (e.d && t.q.length >= 6 && e.d.startsWith(t.q)) return e.d === t.q ? 0 : 4;
      return -1;
    }
    const b = best(e.m, e.k === 2 ? t.all : t.one);
    if (b >= 0 || !e.t) return b;
    return tier(e.t, t);
  }

  // Whether a term that missed the entry's own name matches its township, county, advisor…
  function context(e, t) {
    if (t.digits) return false;
    for (const m of e.c) {
      if (!t.seen.has(m)) t.seen.set(m, best([m], t.one) >= 0);
      if (t.seen.get(m)) return true;
    }
    return false;
  }

  function search(query) {
    const terms = query.split(/\s+/).map(term);
    const hits = [];
    for (let i = 0; i < E.length; i++) {
      const e = E[i];
      let b = 99;
      for (const t of terms) {
        const x = score(e, t);
        if (x >= 0) { if (x < b) b = x; } else if (!context(e, t)) { b = 99; break; }
      }
      // Fixed order: match quality, kind, shorter name, roster order.
      if (b < 99) hits.push(((b * 8 + e.k) * 100 + Math.min(e.n.length, 99)) * 1e5 + i);
    }
    hits.sort((a, b) => a - b);
    return { count: hits.length, top: hits.slice(0, MAX).map((h) => E[h % 1e5]), terms };
  }

  function say(text) { status.textContent = text; panel.hidden = false; }

  function snippet(e, terms) {
    for (const t of terms) {
      const i = t.latin || t.digits ? -1 : e.t.s.indexOf(t.q);
      if (i >= 0) return (i > 12 ? '…' : '') + e.t.s.slice(Math.max(0, i - 12), i + t.q.length + 18) + '…';
    }
    return e.s;
  }

  function run() {
    const q = input.value.trim().toLowerCase();
    if (!q) { panel.hidden = true; list.textContent = ''; return; }
    if (!E) { say('正在载入搜索数据…'); load(); return; }
    const r = search(q);
    list.textContent = '';
    for (const e of r.top) {
      const li = el('li'), a = el('a'), n = el('span', 'dir-search__name'), s = el('span', 'dir-search__sub');
      a.href = e.u;
      n.textContent = e.n;
      s.textContent = e.k === 4 ? snippet(e, r.terms) : e.s;
      a.append(n, s);
      li.append(a);
      list.append(li);
    }
    say(r.count === 0 ? '没有找到。可以换个写法：村名、乡镇名、拼音或首字母。'
      : r.count > MAX ? `找到 ${r.count} 个，显示前 ${MAX} 个；加一个乡镇名（用空格隔开）可以缩小范围。`
        : `找到 ${r.count} 个。`);
  }

  for (const ev of ['focus', 'pointerdown', 'touchstart']) input.addEventListener(ev, load, { passive: true });
  input.addEventListener('input', run);
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
