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

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll([OFFLINE, ...PRECACHE])).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((key) => key.startsWith(PREFIX) && key !== CACHE).map((key) => caches.delete(key))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || !request.url.startsWith(SCOPE)) return;
  const page = request.mode === 'navigate';
  if (!page && request.url.startsWith(DATA)) return;  // the network's, never the cache's
  const network = fetch(request).then((response) => {
    if (response.ok && response.type === 'basic') {
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
