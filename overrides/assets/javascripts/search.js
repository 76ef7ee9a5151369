// @ts-check
/* The search boxes of a page (the header's, and a guide's 找本村法律顾问): the modules that search
   (search/box.js and what it imports) are not part of the page's first view. They are fetched once
   the page is idle after its load (the service worker keeps them: later pages take them from the
   phone), so that the first touch of a box finds them in, or on that touch if it comes sooner. */

const boxes = Array.from(document.querySelectorAll('form.dir-search')).filter((form) => form instanceof HTMLFormElement);
/** @type {Promise<typeof import('./search/box.js')> | null} */
let modules = null;

/** The modules, fetched and evaluated (they do nothing until a box starts). */
const fetchModules = () => import('./search/box.js');
/** @type {Promise<typeof import('./search/box.js')> | null} */
let fetched = null;

/** Start every box of the page once the modules are in. */
function wake() {
  modules = modules || (fetched || fetchModules()).then((box) => {
    for (const form of boxes) box.start(/** @type {HTMLFormElement} */ (form));
    return box;
  });
  return modules;
}

for (const form of boxes) {
  const input = form.querySelector('input');
  if (!input) continue;
  for (const ev of ['focus', 'pointerdown', 'touchstart']) input.addEventListener(ev, wake, { passive: true, once: true });
  // a key typed (or a form sent) before the modules came: answered once they are in
  form.addEventListener('submit', (ev) => {
    if (modules) return;  // the box's own listener answers
    ev.preventDefault();
    wake().then(() => /** @type {HTMLFormElement} */ (form).requestSubmit());
  });
}

if (boxes.length) {
  addEventListener('load', () => {
    const idle = window.requestIdleCallback || ((/** @type {() => void} */ go) => setTimeout(go, 1000));
    idle(() => { fetched = fetched || fetchModules(); });
  }, { once: true });
}
