"""What a person sees on a page, measured in one call: the texts shown, the links and call buttons
with their boxes, phone numbers broken across lines, tap targets too small, texts too pale to read,
the page's width.

Checks read the page as the browser laid it out (computed styles, boxes, text ranges), never its
markup: a page may change its classes and structure and still pass, as long as people see the
same. :func:`seen` runs one JavaScript function and returns plain data, so that one page load
serves many small assertions.
"""

from __future__ import annotations

from typing import Any, TypedDict

from playwright.sync_api import Page


class Text(TypedDict):
    visible: bool  # some occurrence is laid out, visible and inside the page's width
    font: float  # px, of the visible occurrence
    lines: int  # lines it takes (1: not broken)


class Link(TypedDict):
    text: str  # as laid out (innerText: empty when hidden)
    label: str  # textContent, or aria-label, whitespace collapsed
    href: str  # the attribute as written
    url: str  # resolved
    download: str | None
    visible: bool
    width: float
    height: float
    font: float
    lines: int  # lines of the longest phone number in its text (0: none)
    contrast: float  # of its text on the background behind it (call buttons and phone links only, else 0)


class Number(TypedDict):
    number: str
    link: bool  # inside a link


class Seen(TypedDict):
    width: int  # of the viewport
    inner_width: int  # innerWidth: a page too wide for a phone makes Chromium zoom out
    scroll_width: int
    senior: bool  # html.dir-senior: elderly mode is on
    pressed: str | None  # aria-pressed of the 长辈模式 button
    toggle_visible: bool
    h1: str
    body_font: float  # the size most characters of the page's main part are set in
    min_font: float  # the smallest visible text
    texts: dict[str, Text]
    links: list[Link]
    broken_numbers: list[Number]  # phone numbers whose digits take two lines
    small_targets: list[dict[str, Any]]  # tap targets below the least size asked for
    pale_texts: list[dict[str, Any]]  # texts shown with less contrast to their background than asked for
    search: dict[str, Any]  # the search box: visible and its height


_SEEN = r"""({needles, least, ratio}) => {
  const W = innerWidth;
  const style = (el) => getComputedStyle(el);
  const shown = (el) => {
    if (!el || !el.isConnected) return false;
    if (!el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) return false;
    const r = el.getBoundingClientRect();
    return r.width >= 4 && r.height >= 4 && r.right > 0 && r.left < W;
  };
  const rectsOf = (node, start, end) => {
    const range = document.createRange();
    range.setStart(node, start); range.setEnd(node, end);
    return [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
  };
  const lines = (rects) => {
    const tops = rects.map((r) => r.top).sort((a, b) => a - b);
    let n = tops.length ? 1 : 0;
    for (let i = 1; i < tops.length; i++) if (tops[i] - tops[i - 1] > 4) n++;
    return n;
  };
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) if (n.data.trim() && n.parentElement) texts.push(n);
  const textShown = (node, start, end) => {
    if (!shown(node.parentElement)) return null;
    const rects = rectsOf(node, start, end);
    if (!rects.some((r) => r.right > 0 && r.left < W && r.width >= 2)) return null;
    return rects;
  };
  const found = {};
  for (const needle of needles) {
    found[needle] = {visible: false, font: 0, lines: 0};
    search: for (const node of texts) {
      for (let at = node.data.indexOf(needle); at >= 0; at = node.data.indexOf(needle, at + 1)) {
        const rects = textShown(node, at, at + needle.length);
        if (rects) {
          found[needle] = {visible: true, font: parseFloat(style(node.parentElement).fontSize), lines: lines(rects)};
          break search;
        }
      }
    }
  }
  // a phone number: five digits or more, maybe grouped by spaces or hyphens (not a date)
  const NUMBER = /\d[\d -]{3,}\d/g;
  const phoneLike = (s) => s.replace(/\D/g, '').length >= 5 && !/^\d{4}-\d{1,2}-\d{1,2}$/.test(s);
  const numberLines = (el) => {
    let most = 0;
    const inner = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let n = inner.nextNode(); n; n = inner.nextNode()) {
      for (const m of n.data.matchAll(NUMBER)) if (phoneLike(m[0])) most = Math.max(most, lines(rectsOf(n, m.index, m.index + m[0].length)));
    }
    return most;
  };
  const broken = [];
  for (const node of texts) {
    for (const m of node.data.matchAll(NUMBER)) {
      const rects = phoneLike(m[0]) && textShown(node, m.index, m.index + m[0].length);
      if (rects && lines(rects) > 1) broken.push({number: m[0], link: !!node.parentElement.closest('a[href]')});
    }
  }
  const rgba = (c) => { const v = (c.match(/[\d.]+/g) || []).map(Number); return [v[0] || 0, v[1] || 0, v[2] || 0, v.length > 3 ? v[3] : 1]; };
  const lum = ([r, g, b]) => { const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const behind = (el) => {
    for (let e = el; e; e = e.parentElement) { const bg = rgba(style(e).backgroundColor); if (bg[3] > 0.5) return bg; }
    return [255, 255, 255, 1];
  };
  const contrast = (el) => { const a = lum(rgba(style(el).color)), b = lum(behind(el)); return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05); };
  const label = (a) => (a.textContent.replace(/\s+/g, ' ').trim() || a.getAttribute('aria-label') || '');
  const links = [...document.querySelectorAll('a[href]')].map((a) => {
    const r = a.getBoundingClientRect(), visible = shown(a), href = a.getAttribute('href'), text = label(a);
    const call = visible && (href.startsWith('tel:') || text.startsWith('拨打') || text.startsWith('☎'));
    return {text: visible ? a.innerText.replace(/\s+/g, ' ').trim() : '', label: text, href, url: a.href,
            download: a.getAttribute('download'), visible, width: r.width, height: r.height,
            font: parseFloat(style(a).fontSize), lines: numberLines(a), contrast: call ? contrast(a) : 0};
  });
  // every element people tap, but links inside running text
  const small = [...document.querySelectorAll('a[href], button, input:not([type=checkbox]), summary, label[for]')]
    .filter((e) => shown(e) && !e.closest('[hidden], .md-sidebar, .dir-sr, .md-overlay'))
    .filter((e) => { const p = e.parentElement; return !(p && p.tagName === 'P' && p.textContent.trim().length > e.textContent.trim().length + 2); })
    .map((e) => ({label: label(e).slice(0, 30), height: Math.round(e.getBoundingClientRect().height), cls: String(e.className)}))
    .filter((t) => t.height < least);
  // the smallest text shown, the size most of the page's own text is set in (its body text), and text too
  // pale on its background: below the contrast ratio asked for (WCAG's large text, 24 px or 18.66 px bold,
  // may have two thirds of it, as AA's 3 of 4.5 and AAA's 4.5 of 7), once an element
  let minFont = 1000;
  const bySize = new Map();
  const main = document.querySelector('main') || document.body;
  const pale = [], looked = new Set();
  for (const node of texts) {
    const el = node.parentElement;
    if (el.closest('svg, .dir-sr, [aria-hidden=true]') || !textShown(node, 0, node.data.length)) continue;
    const s = style(el), size = parseFloat(s.fontSize);
    minFont = Math.min(minFont, size);
    if (main.contains(el)) bySize.set(size, (bySize.get(size) || 0) + node.data.trim().length);
    if (looked.has(el)) continue;
    looked.add(el);
    const large = size >= 24 || (size >= 18.66 && parseInt(s.fontWeight, 10) >= 700), c = contrast(el);
    if (c < (large ? ratio * 2 / 3 : ratio)) pale.push({text: node.data.trim().slice(0, 20), contrast: Math.round(c * 100) / 100, font: size, large});
  }
  const bodyFont = [...bySize].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([size]) => size)[0] || 0;
  const toggle = document.querySelector('button[aria-pressed]');
  const box = document.querySelector('input[type=search]');
  const h1 = document.querySelector('h1');
  return {
    width: document.documentElement.clientWidth, inner_width: innerWidth, scroll_width: document.documentElement.scrollWidth,
    senior: document.documentElement.classList.contains('dir-senior'),
    pressed: toggle ? toggle.getAttribute('aria-pressed') : null, toggle_visible: shown(toggle),
    h1: h1 && shown(h1) ? h1.innerText.trim() : '',
    body_font: bodyFont, min_font: minFont,
    texts: found, links, broken_numbers: broken, small_targets: small, pale_texts: pale,
    search: {visible: shown(box), height: box ? box.getBoundingClientRect().height : 0},
  };
}"""


def seen(page: Page, needles: list[str] | tuple[str, ...] = (), least: float = 44, ratio: float = 4.5) -> Seen:
    """What ``page`` shows once its transitions have ended (a tap on 长辈模式 fades colours in): ``needles``
    are texts to look for; tap targets below ``least`` px are listed, and texts with less contrast than
    ``ratio`` (4.5: WCAG AA; 7: AAA)."""
    page.evaluate("Promise.all(document.getAnimations().map((a) => a.finished.catch(() => null)))")
    result: Seen = page.evaluate(_SEEN, {"needles": list(needles), "least": least, "ratio": ratio})
    return result


def calls(s: Seen) -> list[Link]:
    """The call buttons and phone links: a link that says 拨打 (dial) or ☎, or goes to ``tel:``."""
    return [a for a in s["links"] if a["label"].startswith(("拨打", "☎")) or a["href"].startswith("tel:")]
