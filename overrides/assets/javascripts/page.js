// @ts-check
/* A village's or an advisor's page. 读给我听: the phone reads aloud the place, the advisor's name and
   role, and the phone number digit by digit, with its own speech engine (Web Speech API, in
   Chinese); the button (overrides/data/macros.html, speak) stays hidden where the browser cannot
   speak. And an old card's address (a merged village's, ?from=<its code>: retired.html) marks which
   of the merged villages the reader came from. */

/** How each digit is read in a phone number: 1 as 幺, as people read numbers aloud. */
const DIGITS = '零幺二三四五六七八九';

/**
 * A phone number for the ear: each digit on its own, a pause between the groups the page shows
 * (139 1234 5678; a landline at its dash).
 * @param {string} phone
 */
export function spokenNumber(phone) {
  const digits = phone.replace(/\D/g, '');
  const groups = /^1\d{10}$/.test(digits) ? [digits.slice(0, 3), digits.slice(3, 7), digits.slice(7)]
    : phone.split(/[^\d]+/).filter(Boolean);
  return groups.map((g) => Array.from(g, (d) => DIGITS[Number(d)]).join(' ')).join('，');
}

/**
 * What the button reads: the place, the advisor and role, the number.
 * @param {{place?: string, name?: string, role?: string, phone?: string}} data
 */
export function spokenText(data) {
  return `${data.place || ''}。法律顾问：${data.name || ''}，${data.role || ''}。电话：${spokenNumber(data.phone || '')}。`;
}

/** Whether this browser can speak: the Web Speech API's synthesis. */
export const canSpeak = () => typeof window !== 'undefined' && !!window.speechSynthesis && typeof window.SpeechSynthesisUtterance === 'function';

/**
 * Read the button's text aloud in Chinese, a little slowly; a second tap while it speaks stops it.
 * @param {HTMLElement} button
 */
export function speak(button) {
  const synth = window.speechSynthesis;
  if (synth.speaking) { synth.cancel(); return; }
  const utterance = new SpeechSynthesisUtterance(spokenText(button.dataset));
  utterance.lang = 'zh-CN';
  utterance.rate = 0.8;
  const voice = synth.getVoices().find((v) => /^zh[-_]?(CN|Hans)?/i.test(v.lang));
  if (voice) utterance.voice = voice;
  synth.speak(utterance);
}

if (typeof document !== 'undefined' && canSpeak()) {
  for (const button of Array.from(document.querySelectorAll('button.dir-speak'))) {
    if (!(button instanceof HTMLElement)) continue;
    button.hidden = false;
    button.addEventListener('click', () => speak(button));
  }
}

/**
 * The merged village an old card's address came from (?from=<code>), marked on the page that took
 * its place; null when there is none.
 * @param {string} search location.search
 */
export function oldCard(search) {
  const code = /[?&]from=(\d{12})(?:&|$)/.exec(search);
  const item = code && document.querySelector(`.dir-merged li[data-code="${code[1]}"]`);
  if (!item) return null;
  item.classList.add('dir-merged--old');
  const note = document.createElement('strong');
  note.textContent = '您扫描的是旧卡片：';
  item.prepend(note);
  return item;
}

if (typeof document !== 'undefined') oldCard(location.search);
