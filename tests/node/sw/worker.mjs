// A service worker's world in Node, to test generator/build/sw.js on its own: the script is filled in as
// generator/build/offline.py fills it and run against a fake network, Cache Storage and clock. Everything a
// test needs to see is recorded: what the worker answered, what it saved, which caches exist.
import { readFileSync } from 'node:fs';

const TEMPLATE = new URL('../../../generator/build/sw.js', import.meta.url);
export const SCOPE = 'https://fw.example/sub/';

/** The script as offline.service_worker writes it: the same placeholders, replaced the same way. */
export function script({ version = 'v1', offline = 'offline/', precache = [], data = 'data/' } = {}) {
  return readFileSync(TEMPLATE, 'utf8')
    .replaceAll('__VERSION__', version)
    .replaceAll('__OFFLINE__', offline)
    .replaceAll('__DATA__', data)
    .replaceAll('__PRECACHE__', JSON.stringify(precache));
}

/** A response as a same-origin fetch gives it (type "basic"), or made by the worker (redirect, error). */
export class FakeResponse {
  constructor(body, { status = 200, type = 'basic', url = '', headers = {}, redirected = false } = {}) {
    Object.assign(this, { body, status, type, url, headers, redirected });
  }
  get ok() { return this.status >= 200 && this.status < 300; }
  async text() { return this.body ?? ''; }
  clone() { return new FakeResponse(this.body, this); }
  static error() { return new FakeResponse(null, { status: 0, type: 'error' }); }
  static redirect(url, status) { return new FakeResponse(null, { status, type: 'redirect', headers: { location: url } }); }
}

const key = (url, ignoreSearch) => (ignoreSearch ? url.split('?')[0] : url);

class FakeCache {
  constructor(world) { this.world = world; this.entries = new Map(); }
  async put(request, response) { this.entries.set(typeof request === 'string' ? request : request.url, response); }
  async keys() { return [...this.entries.keys()].map((url) => ({ url, method: 'GET' })); }
  async addAll(urls) {
    const responses = await Promise.all(urls.map((url) => this.world.fetch({ url, method: 'GET', mode: 'no-cors' })));
    if (responses.some((r) => !r.ok)) throw new TypeError('addAll: a response was not ok');
    urls.forEach((url, i) => this.entries.set(url, responses[i]));
  }
  async match(request, { ignoreSearch = false } = {}) {
    const wanted = key(typeof request === 'string' ? request : request.url, ignoreSearch);
    for (const [url, response] of this.entries) if (key(url, ignoreSearch) === wanted) return response;
    return undefined;
  }
}

/** The worker's world: ``online`` decides whether fetch reaches the server, ``server`` maps URLs to
 * responses (a missing one is a 404), ``delay`` (ms) holds answers back on the fake clock. */
export class World {
  constructor() {
    this.online = true;
    this.server = new Map();
    this.delay = 0;
    this.now = 0;
    this.timers = [];
    this.handlers = {};
    this.skipped = false;
    this.claimed = false;
    this.fetched = [];
    this.clients = [];  // what the browser has open: { url, type: 'window' | 'worker', controlled }
    this.stores = new Map();
    const world = this;
    this.caches = {
      async open(name) { if (!world.stores.has(name)) world.stores.set(name, new FakeCache(world)); return world.stores.get(name); },
      async keys() { return [...world.stores.keys()]; },
      async delete(name) { return world.stores.delete(name); },
      async match(request, options) {
        for (const cache of world.stores.values()) { const hit = await cache.match(request, options); if (hit) return hit; }
        return undefined;
      },
    };
    this.self = {
      registration: { scope: SCOPE },
      addEventListener(type, handler) { world.handlers[type] = handler; },
      skipWaiting() { world.skipped = true; return Promise.resolve(); },
      clients: {
        claim() { world.claimed = true; return Promise.resolve(); },
        async matchAll({ type = 'window', includeUncontrolled = false } = {}) {
          return world.clients.filter((c) => (type === 'all' || c.type === type) && (includeUncontrolled || c.controlled));
        },
      },
    };
    this.fetch = (request) => {
      const url = typeof request === 'string' ? request : request.url;
      world.fetched.push(url);
      const online = world.online;
      // a static server: a query does not change the file it serves
      const served = () => world.server.get(url) ?? world.server.get(url.split('?')[0]);
      const answer = () => (online ? Promise.resolve(served()?.clone() ?? new FakeResponse('not found', { status: 404, url }))
        : Promise.reject(new TypeError('Failed to fetch')));
      if (!world.delay) return answer();
      return new Promise((resolve) => world.setTimeout(resolve, world.delay)).then(answer);
    };
    this.setTimeout = (fn, ms) => { world.timers.push({ at: world.now + ms, fn }); };
  }

  /** Run the worker's script in this world (its globals are the world's). */
  load(options) {
    const run = new Function('self', 'caches', 'fetch', 'Response', 'setTimeout', script(options));
    run(this.self, this.caches, this.fetch, FakeResponse, this.setTimeout);
    return this;
  }

  page(path, body = `<h1>${path}</h1>`, options = {}) { this.server.set(SCOPE + path, new FakeResponse(body, { url: SCOPE + path, ...options })); return this; }

  /** A window (or another kind of client) the browser has open at ``url``. */
  open(url, { type = 'window', controlled = false } = {}) { this.clients.push({ url, type, controlled }); return this; }

  /** Move the fake clock on by ``ms``, firing the timers that fall due, and let promises settle. */
  async advance(ms) {
    const until = this.now + ms;
    for (;;) {
      await settle();
      const due = this.timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers.splice(this.timers.indexOf(due), 1);
      this.now = due.at;
      due.fn();
    }
    this.now = until;
    await settle();
  }

  /** Fire an extendable event; resolve when everything it waits for is done. */
  async lifecycle(type) {
    const waits = [];
    this.handlers[type]({ waitUntil: (p) => waits.push(p) });
    await Promise.all(waits);
  }

  /** Fire a fetch event; return what the worker answered (undefined: the browser goes to the network
   * itself), with the promises it asked to wait for. */
  request(path, { method = 'GET', mode = 'no-cors', url = SCOPE + path } = {}) {
    const event = { request: { url, method, mode }, waits: [], answer: undefined,
      respondWith(p) { this.answer = Promise.resolve(p); }, waitUntil(p) { this.waits.push(p); } };
    this.handlers.fetch(event);
    return event;
  }

  /** A fetch event's answer once the clock has moved on by ``ms`` (the worker's saved copies are written). */
  async answer(event, ms = 0) {
    let done = false, value;
    event.answer?.then((v) => { done = true; value = v; }, (e) => { done = true; value = e; });
    await this.advance(ms);
    await Promise.all(event.waits);
    return done ? value : 'pending';
  }

  /** A cache of ours made before every other one (caches.keys() lists them in the order they were made). */
  async leftBehind(name) { this.stores = new Map([[name, new FakeCache(this)], ...this.stores]); return this.stores.get(name); }

  async saved(name, path) { return this.stores.get(name)?.entries.get(SCOPE + path); }
}

async function settle() { for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r)); }
