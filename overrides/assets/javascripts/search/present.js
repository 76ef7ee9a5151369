// @ts-check
/* What the list and its status line say: pure text, the DOM is search.js's. */

import { filled } from './index.js';
import { inOrder } from './match.js';
import { MAX_SHOWN } from './rank.js';

/** @typedef {import('./index.js').Core} Core */
/** @typedef {import('./index.js').Entry} Entry */
/** @typedef {import('./match.js').Term} Term */

/**
 * A content page's second line: the everyday word of the query it helps with, else its text
 * around the first term found there.
 * @param {Entry} entry
 * @param {Term[]} terms
 */
export function snippet(entry, terms) {
  if (!entry.body) return entry.line;
  const text = entry.body.text;
  for (const term of terms) {  // an everyday word it helps with (离婚)
    if (term.latin || term.digits) continue;
    const word = entry.keywords.find((k) => term.text === k || k.startsWith(term.text) || term.text.includes(k))
      || entry.keywords.find((k) => inOrder(Array.from(k), term.text));
    if (word) return `能帮您：${word}`;
  }
  for (const term of terms) {
    const at = term.latin || term.digits ? -1 : text.indexOf(term.text);
    if (at >= 0) return (at > 12 ? '…' : '') + text.slice(Math.max(0, at - 12), at + term.text.length + 18) + '…';
  }
  return entry.line;
}

/**
 * The rows of the list: [url, name, second line] of each result shown.
 * @param {Core} core
 * @param {{top: Entry[], terms: Term[]}} found
 * @returns {[string, string, string][]}
 */
export function rowsOf(core, found) {
  return found.top.map((e) => filled(core, e)).map((entry) =>
    [entry.url, entry.name, entry.kind === 'page' ? snippet(entry, found.terms) : entry.line]);
}

/**
 * The status line above the list. `corrected`: the query that was searched instead; `further`:
 * other regions' pieces are being searched; `offline`: some could not be fetched.
 * @param {{count: number}} found
 * @param {string} query
 * @param {string | null} corrected
 * @param {{further?: boolean, offline?: boolean}} state
 */
export function statusText(found, query, corrected, state) {
  const { further, offline } = state;
  const more = further ? '，正在查找其他地方…' : offline ? '（没有网络：只查了附近和查过的地方）' : '';
  return corrected ? `没有找到“${query}”。你是不是要找：${corrected}？`
    : found.count === 0 ? (further ? '附近没有找到，正在查找其他地方…' : offline ? '没有网络，附近和查过的地方里没有找到。'
      : '没有找到。可以换个写法：村名、乡镇名、拼音或首字母；也可以打电话问，或看服务指南：')
      : found.count > MAX_SHOWN ? `找到 ${found.count} 个${more}，显示前 ${MAX_SHOWN} 个；加一个乡镇名（用空格隔开）可以缩小范围。`
        : `找到 ${found.count} 个${more}。`;
}

/**
 * What a query that finds nothing shows instead: the hotlines, to call, and the guides (the pages
 * with everyday words for a trouble), as rows.
 * @param {Core} core
 * @returns {[string, string, string][]}
 */
export function helpRows(core) {
  /** @type {string[]} */
  const tel = core.data.tel || [];
  /** @type {[string, string, string][]} */
  // the link dials the digits alone (RFC 3966 allows separators; not every phone's dialler does)
  const rows = tel.map((number) => [`tel:${number.replace(/\D/g, '')}`, `拨打 ${number}`, '公共法律服务热线，免费法律咨询']);
  for (const page of core.pages) if (page.keywords.length) rows.push([page.url, page.name, '服务指南']);
  return rows;
}
