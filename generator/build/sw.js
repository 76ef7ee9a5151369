/* Service worker of the directory: offline after the first visit. A template: generator/build/offline.py
   fills in the cache's version (a digest of the built site: each deploy is a new cache), the notice page's path,
   the files saved at install and the open data's folder, and writes it as sw.js at the site root. */
'use strict';
const PREFIX = 'dir-';
const CACHE = PREFIX + '__VERSION__';
const SCOPE = self.registration.scope;  // the site root, from any folder
const OFFLINE = new URL('__OFFLINE__', SCOPE).href;
const PRECACHE = __PRECACHE__.map((path) => new URL(path, SCOPE).href);
const DATA = new URL('__DATA__', SCOPE).href;  // the open data: megabytes a phone should not keep
const PATIENCE = 4000;  // ms to wait for the network before a saved copy is shown

// A page of this site (a folder's address, as saved.js lists them), not a file, nor the notice page.
const isPage = (url) => url.startsWith(SCOPE) && !url.startsWith(OFFLINE) && new URL(url).pathname.endsWith('/');
// What may be saved: a whole answer of this site, as it came (not an error, a foreign or a redirected one).
const whole = (response) => response.ok && response.type === 'basic' && !response.redirected;

// The pages of the site open in a window as the worker installs are saved too: the first page a phone
// opens (a card's QR code) was fetched before any worker could keep it, and a new deploy's worker finds the
// pages the reader has open. Fetched fresh; one that fails is left to the next visit.
async function keepOpenPages(cache) {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  await Promise.all(windows.map((client) => client.url.split('#')[0]).filter(isPage).map(async (url) => {
    try {
      const response = await fetch(url);
      if (whole(response)) await cache.put(url, response);
    } catch { /* no signal after all: the next visit saves it */ }
  }));
}

// A new deploy's cache takes over the pages an earlier one saved, as the phone last saw them, until the
// network renews them: a page saved on a phone stays on it. The old deploy's files go with its cache.
async function carryPages(cache, name) {
  const old = await caches.open(name);
  for (const request of await old.keys()) {
    if (isPage(request.url) && !(await cache.match(request))) await cache.put(request, await old.match(request));
  }
}

async function takeOver() {
  const cache = await caches.open(CACHE);
  const older = (await caches.keys()).filter((key) => key.startsWith(PREFIX) && key !== CACHE).reverse();  // the latest first
  for (const key of older) {
    await carryPages(cache, key);
    await caches.delete(key);
  }
  await self.clients.claim();
}

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE)
    .then((cache) => cache.addAll([OFFLINE, ...PRECACHE]).then(() => keepOpenPages(cache)))
    .then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => event.waitUntil(takeOver()));

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || !request.url.startsWith(SCOPE)) return;
  const page = request.mode === 'navigate';
  if (!page && request.url.startsWith(DATA)) return;  // the network's, never the cache's
  const network = fetch(request).then((response) => {
    if (whole(response)) {
      const copy = response.clone();
      event.waitUntil(caches.open(CACHE).then((cache) => cache.put(request, copy)));
    }
    return response;
  });
  const saved = caches.match(request, { ignoreSearch: page });
  // The network first; a saved copy when the network fails, or keeps a weak signal waiting.
  const slow = new Promise((resolve) => setTimeout(resolve, PATIENCE)).then(() => saved).then((hit) => hit || network);
  const answer = Promise.race([network, slow]).catch(() => saved.then((hit) => {
    if (hit) return hit;
    if (!page) return Response.error();
    return Response.redirect(OFFLINE + '?from=' + encodeURIComponent(new URL(request.url).pathname), 302);
  }));
  event.respondWith(answer);
});
