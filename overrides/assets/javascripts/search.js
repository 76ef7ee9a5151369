// @ts-check
/* The search boxes of a page (the header's, and a guide's 找本村法律顾问): the modules that search
   (search/box.js and what it imports) are fetched on the first touch of a box, not with the page,
   so a page's first view carries none of them. */

const boxes = Array.from(document.querySelectorAll('form.dir-search')).filter((form) => form instanceof HTMLFormElement);
/** @type {Promise<typeof import('./search/box.js')> | null} */
let modules = null;

/** Start every box of the page once the modules are in. */
function wake() {
  modules = modules || import('./search/box.js').then((box) => {
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
