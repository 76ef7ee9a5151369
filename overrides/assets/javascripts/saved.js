// @ts-check
/* The offline notice page (overrides/data/offline.html) lists the pages saved on this phone: the
   service worker's cache (generator/build/offline.py) holds every page opened with signal, and
   each opens without it. */

/** The service worker's caches: 'dir-' and the site's digest. */
const PREFIX = 'dir-';

/**
 * A saved page's title, without the site's name after it (王庄村（沙镇镇）村居法律顾问 - the site).
 * @param {string} html
 */
export function titleOf(html) {
  const found = /<title>([^<]*)<\/title>/.exec(html);
  const text = found ? found[1].replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'") : '';
  return text.split(' - ')[0].trim();
}

/**
 * Whether a saved address is a page to list: a folder of the site (a page), not a file, nor the
 * notice page itself; the rule by which the service worker (generator/build/sw.js, isPage) keeps
 * the pages open at its install and carries pages over to a new deploy's cache.
 * @param {string} url
 * @param {string} root the site root's URL
 */
export function isPage(url, root) {
  const path = new URL(url).pathname;
  return url.startsWith(root) && path.endsWith('/') && !/\/offline\/$/.test(path);
}

/**
 * The pages saved on this phone: [url, title], in the order they were first saved.
 * @param {string} root
 * @returns {Promise<[string, string][]>}
 */
export async function savedPages(root) {
  if (!('caches' in window)) return [];
  const names = (await caches.keys()).filter((name) => name.startsWith(PREFIX));
  /** @type {Map<string, string>} */
  const found = new Map();
  for (const name of names) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      if (found.has(request.url) || !isPage(request.url, root)) continue;
      const response = await cache.match(request);
      const title = response ? titleOf(await response.text()) : '';
      if (title) found.set(request.url, title);
    }
  }
  return Array.from(found);
}

const list = typeof document === 'undefined' ? null : document.getElementById('dir-saved');
if (list) {
  const root = new URL(list.dataset.root || './', location.href).href;
  savedPages(root).then((pages) => {
    for (const [url, title] of pages) {
      const li = document.createElement('li'), a = document.createElement('a');
      a.href = url;
      a.textContent = title;
      li.append(a);
      list.append(li);
    }
    const none = document.getElementById('dir-saved-none');
    if (none) none.hidden = pages.length > 0;
    const section = list.closest('section');
    if (section) section.hidden = false;
  });
}
