// A small index made by hand, in the layout of generator/site/search.py, for the unit tests of the
// search modules: two county-level units, three townships, villages and advisors whose names make
// the cases (王庄 and 汪庄 both read wangzhuang; 胡集 and 胡家 both start huji; 吕 reads lv and lu).

import { FORMAT_VERSION } from '../../../overrides/assets/javascripts/search/format.js';
import { decodeCore, decodeShard } from '../../../overrides/assets/javascripts/search/index.js';
import { lettersOf, listsFor, makeShelf, shardsFor } from '../../../overrides/assets/javascripts/search/shards.js';
import { wordsOf } from '../../../overrides/assets/javascripts/search/text.js';

/** Each syllable's characters (most common reading), as search.json's py. */
export const PY = {
  wang: '王汪', zhuang: '庄', cun: '村', hu: '胡', ji: '集', jia: '家', tang: '堂', yi: '邑', zhen: '镇',
  sha: '沙', dong: '东董', chang: '昌', fu: '府服', qu: '区', qian: '前', chi: '茌', ping: '平', wen: '温',
  chen: '陈', jie: '街', dao: '道', lv: '吕律', wu: '吴务', long: '龙', cheng: '成', yu: '余玉', bai: '白',
  gu: '堌', dui: '堆', li: '李', xiu: '秀', ying: '英', zhang: '张', fa: '法', yuan: '援', zhu: '助',
  ai: '艾', shan: '山', nan: '南', qiu: '求', zhao: '找', shi: '师', wei: '伟',
};
/** Other readings, as search.json's py2. */
export const PY2 = { lu: '吕律', yu: '王' };

/** Villages: [township index, code in township, short name, tail index, advisor's name]. */
export const VILLAGES = [
  [0, '201', '南街村', 1, '吴龙成'],
  [0, '202', '王庄村', 1, '吴龙成'],
  [0, '203', '吕庄村', 1, ''],
  [0, '204', '胡家村', 1, '李秀英'],
  [1, '201', '王庄村', 1, '张伟'],
  [1, '202', '汪庄', 0, '张伟'],
  [1, '203', '胡集村', 1, '张伟'],
  [1, '204', '余庄村', 1, '张伟'],
  [2, '201', '前董村', 2, '陈平'],
  [2, '202', '白堌堆村', 1, '陈平'],
  [2, '203', '艾山村', 1, '陈平'],
  [2, '204', '胡家庄村', 1, '陈平'],
  [2, '205', '王庄村', 1, '陈平'],
];

/** Advisors: [position, id, name, phone, role, township index]. */
export const ADVISORS = [
  [0, 'A0001', '吴龙成', '13245356775', 0, 0],
  [1, 'A0002', '李秀英', '0635-8210001', 1, 0],
  [2, 'A0003', '张伟', '13905350003', 0, 1],
  [3, 'A0004', '陈平', '13905350004', 0, 2],
];

/** search.json as generator/site/search.py writes it, without its shards' directory. */
export function coreData(extra = {}) {
  return {
    v: FORMAT_VERSION,
    url: { village: 'v/{}/', township: 't/{}/', county: 'c/{}/', advisor: 'a/{}/', city: 'city/{}/' },
    kinds: ['县（市、区）', '功能区'],
    roles: ['律师', '法律服务工作者'],
    ends: ['社区居民委员会', '村民委员会', '居民委员会', '居委会', '村委会', '社区', '街道', '村', '乡', '镇'],
    strip: ['社区居民委员会', '村民委员会', '居民委员会', '居委会', '村委会'],
    tails: ['', '委会', '村民委员会'],
    cities: [],
    counties: [['371502', '东昌府区', 0, null], ['371523', '茌平区', 0, null]],
    townships: [['371502102', '堂邑镇', 0], ['371502101', '沙镇镇', 0], ['371523003', '温陈街道', 1]],
    pages: [['guides/legal-aid/', '求法援 (法律援助)', ['欠薪', '工伤']], ['guides/lawyer/', '找律师 (律师服务)', ['离婚']]],
    text: 'search/pages.0000000000.json',
    tel: ['12348', '0635-12348'],
    ts: '東东莊庄區区',
    py: PY,
    py2: PY2,
    region: 'county',
    shards: {},
    near: { 371502: 'aaaa', 371523: 'bbbb' },
    ...extra,
  };
}

/**
 * The shard keys of a name, as generator/site/search.py's name_keys makes them: the first letter of
 * each character's readings, and of two neighbours'.
 * @param {import('../../../overrides/assets/javascripts/search/index.js').Core} core
 * @param {string} name
 */
export function nameKeys(core, name) {
  const chars = Array.from(name), keys = new Set();
  chars.forEach((ch, i) => {
    const first = lettersOf(core, ch);
    for (const a of first) {
      keys.add(a);
      if (i + 1 < chars.length) for (const b of lettersOf(core, chars[i + 1])) keys.add(a + b);
    }
  });
  return keys;
}

/**
 * The decoded core of coreData(extra), read from `here`, and a shelf with every shard file in: each
 * key's villages and advisors, named search/<key>.k.json (phones by three digits, codes by six).
 * `lists(query)`: what the search of a query matches against once its shards are in.
 */
export function makeIndex(extra = {}, here = { county: '371502', city: '' }) {
  const data = coreData(extra);
  const probe = decodeCore(data, here, '/');
  const byKey = new Map();
  const add = (key, kind, row) => {
    if (!byKey.has(key)) byKey.set(key, { villages: [], advisors: [] });
    byKey.get(key)[kind].push(row);
  };
  for (const [t, code, name, tail, advisor] of VILLAGES) {
    const row = [code, name, tail, t, advisor];
    for (const key of nameKeys(probe, name)) add(key, 'villages', row);
    add('n' + (data.townships[t][0] + code).slice(0, 6), 'villages', row);
  }
  for (const row of ADVISORS) {
    for (const key of nameKeys(probe, row[2])) add(key, 'advisors', row);
    const digits = row[3].replace(/\D/g, '');
    for (let i = 0; i + 3 <= digits.length; i++) add('d' + digits.slice(i, i + 3), 'advisors', row);
  }
  data.shards = Object.fromEntries(Array.from(byKey.keys()).sort().map((key) => [key, 'k']));
  const core = decodeCore(data, here, '/');
  const shelf = makeShelf();
  for (const [key, shard] of byKey) shelf.files.set(`/search/${key}.k.json`, { entries: decodeShard(core, shard, key) });
  const lists = (/** @type {string} */ query) => {
    const needed = shardsFor(core, wordsOf(query));
    return listsFor(core, shelf, needed.first.concat(needed.later));
  };
  return { core, shelf, lists };
}
