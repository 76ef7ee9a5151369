// @ts-check
/* Fetching the index: the core, the shard files a query needs, the near file and the pages' text.
   A failure is noted, never thrown: a phone without signal searches what it has. */

import { decodeShard } from './index.js';
import { isLoaded, keyOf } from './shards.js';

/** @typedef {import('./index.js').Core} Core */
/** @typedef {import('./shards.js').Shelf} Shelf */

/** Other regions' pieces fetched at once (a browser opens six connections to a site over HTTP/1.1). */
export const LATER_AT_ONCE = 3;

/** No key for this long, and the reader has paused typing: other regions' pieces may come. */
export const TYPING_MS = 150;

/**
 * JSON from the site; a response other than 200 fails.
 * @param {string} url
 */
export const fetchJson = (url) => fetch(url).then((response) => { if (!response.ok) throw response; return response.json(); });

/**
 * The shard files of one page's search. Other regions' pieces (`later`) are fetched a few at a
 * time (LATER_AT_ONCE): a query's first pieces, asked for as a reader types on, must not wait
 * behind dozens of them for a connection. While the reader types they are not asked for at all:
 * each brings thousands of places to decode and search, which a keystroke's own answer would wait
 * behind (a one-letter word asks for sixteen); they are asked for once no key came for TYPING_MS,
 * the query on screen's (`want`) first. A waiting piece that a query needs first is asked for at once.
 * @param {() => Core} core
 * @param {Shelf} shelf
 * @param {(url: string) => Promise<any>} [get]
 */
export function makeLoader(core, shelf, get = fetchJson) {
  /** @type {[string, (place: boolean) => void][]} */
  const waiting = [];  // later pieces not asked for yet: [path, ask]
  let laterAsked = 0;  // later pieces on their way
  let lastKey = -Infinity, laterTimer = 0;
  /** @type {Set<string>} */
  let wanted = new Set();

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

  /**
   * Fetch a shard file once; the promise never fails (a failure is noted in `shelf.failed`).
   * @param {string} path
   * @param {boolean} [later] one of other regions' pieces
   * @returns {Promise<void>}
   */
  function fetchShard(path, later) {
    const file = shelf.files.get(path);
    if (!file) {
      /** @type {(place: boolean) => void} */
      let ask = () => {};  // called with whether the piece takes one of the later ones' places
      /** @type {Promise<boolean>} */
      const asked = new Promise((resolve) => { ask = resolve; });
      const pending = asked.then((place) => get(path)
        .then((data) => { shelf.files.set(path, { entries: decodeShard(core(), data, keyOf(path)) }); })
        .catch(() => { shelf.files.delete(path); shelf.failed.add(path); })
        .then(() => { if (place) { laterAsked--; askLater(); } }));
      shelf.files.set(path, { pending });
      if (later) waiting.push([path, ask]); else ask(false);
    } else if (!later) {
      const at = waiting.findIndex(([waits]) => waits === path);
      if (at >= 0) waiting.splice(at, 1)[0][1](false);
    }
    askLater();
    const now = shelf.files.get(path);
    return (now && now.pending) || Promise.resolve();
  }

  return {
    fetchShard,
    /** A key was pressed now. */
    typed() { lastKey = performance.now(); },
    /** The later pieces the query on screen needs. */
    want(/** @type {string[]} */ paths) { wanted = new Set(paths); },
    isLoaded: (/** @type {string} */ path) => isLoaded(shelf, path),
  };
}
