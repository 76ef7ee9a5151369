#!/usr/bin/env python3
"""Build the full-scale synthetic sample roster for Liaocheng's legal-advisor programme.

一乡镇一团队、一村居一顾问 — the divisions (counties, townships, villages) are real and come
from the 2019 statistical division list; every person, phone number, address, ID-card number
and organization trade name is synthetic.

Usage:
    python scripts/make_sample_roster.py [--divisions CSV] [--out DATA_DIR] [--province]

``--province`` makes a synthetic roster of a whole province for benchmarks (never committed:
``bench/province.py`` writes it into a temporary folder): the prefecture repeated under 16
synthetic city codes, with some units and trailing villages left out so that the counts match
Shandong's (16 cities, 156 county-level units, 1,862 townships, 77,299 villages). Repeated
names are the point: search and pages must cope with 16 东昌府区.

Defaults: ``scripts/divisions/liaocheng-2019.csv`` (the real 2019 division list, committed
with its source and licence) and ``data/`` in the repo root.

The script deletes and rewrites only the files it owns inside the out dir
(programme.yaml, counties.yaml, organizations.yaml, advisors.yaml, regions/).
Same input -> byte-identical output: one seeded ``random.Random(20191231)``, everything
sorted, no timestamps. The YAML is written by the project's own writer (generator/workbook/yamlwrite.py,
which Excel import uses too, so both write the house style) and read back with PyYAML to verify it.
"""

from __future__ import annotations

import argparse
import collections
import csv
import datetime
import math
import random
import re
import shutil
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's generator, installed or not
from generator.workbook import yamlwrite

SEED = 20191231
HEADER = "# 示例数据（合成）：由 scripts/make_sample_roster.py 生成，人名和电话均为虚构。"

TOTAL_ADVISORS = 1874
MAX_VILLAGES = 6
N_LAW_FIRMS = 41
N_SERVICE_OFFICES = 69
SPECIAL_TOWNSHIP = "371502400"  # 香江管委会: no judicial office, advisors from 东昌府区 law firms
SPECIAL_ADVISORS = 2
SPECIAL_TEAM = 3

PROGRAMME = {
    "name": "一乡镇一团队、一村居一顾问",
    "city": "聊城市",
    "province": "山东省",
    "hotline": "12348",
    "local_hotline": "0635-12348",
    "base_url": "https://fw.lc.example/",
    "sample": True,
    "max_villages_per_advisor": MAX_VILLAGES,
}

ZONES = [
    ("kaifaqu", "聊城经济技术开发区"),
    ("gaoxinqu", "聊城高新技术产业开发区"),
    ("dujiaqu", "江北水城旅游度假区"),
]
ZONE_TOWNSHIPS = {
    "371502008": "kaifaqu",  # 北城街道
    "371502009": "kaifaqu",  # 东城街道
    "371502010": "kaifaqu",  # 蒋官屯街道
    "371502202": "kaifaqu",  # 广平乡
    "371502108": "gaoxinqu",  # 许营镇
    "371502110": "gaoxinqu",  # 顾官屯镇
    "371502203": "gaoxinqu",  # 韩集乡
    "371502011": "dujiaqu",  # 李海务街道
    "371502107": "dujiaqu",  # 于集镇
    "371502109": "dujiaqu",  # 朱老庄镇
}
ZONE_REGION_CODE = "371502"  # ID-card region code used for the zones

CENTRE_HOURS = "周一至周五 9:00—12:00，13:30—17:30"
WORKSTATION_HOURS = "周一至周五 9:00—17:00"

# Village-name suffixes, longest first.  The first five are the ones the brief names; the rest
# cover irregular names in the 2019 list (居居民委员会 is a typo in the source data).
VILLAGE_SUFFIXES = [
    "社区居居民委员会",
    "社区居民委员会",
    "社区居委会",
    "村民委员会",
    "居民委员会",
    "村委会",
    "居委会",
    "村委",
]

# Surnames with rough relative frequencies (per mille of the population, rounded).
SURNAMES = [
    ("王", 72), ("张", 70), ("李", 69), ("刘", 54), ("陈", 45), ("杨", 32), ("赵", 23),
    ("黄", 22), ("周", 21), ("吴", 20), ("徐", 17), ("孙", 16), ("马", 15), ("朱", 13),
    ("胡", 13), ("郭", 12), ("何", 12), ("高", 12), ("林", 11), ("罗", 11), ("郑", 10),
    ("梁", 10), ("谢", 8), ("宋", 8), ("唐", 8), ("许", 7), ("韩", 7), ("冯", 7), ("邓", 7),
    ("曹", 7), ("彭", 6), ("曾", 6), ("肖", 6), ("田", 6), ("董", 6), ("袁", 5), ("潘", 5),
    ("于", 5), ("蒋", 5), ("蔡", 5), ("余", 5), ("杜", 5), ("叶", 4), ("程", 4), ("苏", 4),
    ("魏", 4), ("吕", 4), ("丁", 4), ("任", 4), ("沈", 4), ("姚", 4), ("卢", 4), ("姜", 4),
    ("崔", 4), ("钟", 3), ("谭", 3), ("陆", 3), ("汪", 3), ("范", 3), ("金", 3), ("石", 3),
    ("廖", 3), ("贾", 3), ("夏", 3), ("韦", 3), ("付", 3), ("方", 3), ("白", 3), ("邹", 3),
    ("孟", 3), ("熊", 3), ("秦", 3), ("邱", 3), ("江", 3), ("尹", 3), ("薛", 3), ("闫", 3),
    ("段", 2), ("雷", 2), ("侯", 2), ("龙", 2), ("史", 2), ("陶", 2), ("黎", 2), ("贺", 2),
    ("顾", 2), ("毛", 2), ("郝", 2), ("龚", 2), ("邵", 2), ("万", 2), ("钱", 2), ("严", 2),
    ("覃", 1), ("武", 2), ("戴", 2), ("莫", 1), ("孔", 2), ("向", 1), ("汤", 1),
]

# Common given-name characters (about 150), split so that a name matches the sex encoded in
# the synthetic ID-card number (odd 17th digit = male).
GIVEN_MALE = (
    "伟强磊军洋勇杰涛明超刚鹏辉建飞鑫波斌宇浩凯健俊帆帅旭宁龙林亮成兵峰国庆文志新利东"
    "永立博轩宏振鹤翔彬岩松柏森卓越庭锋德胜福昌荣民力学兴泽培源光云天金元航海阳晨正远"
    "平华坤毅诚瑞凡"
)
GIVEN_FEMALE = (
    "芳娜敏静丽艳娟秀霞桂英玉兰萍红欣佳琳雪梅燕春丹清晓婷颖倩琪雯慧瑶蕾晶莉媛璐琦月冬"
    "冰洁蓉珊菲薇妍楠梦思然涵子平华艺萌露娇雅凤"
)

ROAD_STEMS = [
    "振兴", "建设", "文化", "人民", "新华", "和平", "长江", "黄河", "民生", "育才", "花园",
    "东风", "兴业", "富民", "幸福", "光明", "胜利", "团结", "繁荣", "利民", "迎春", "朝阳",
    "向阳", "健康", "府前", "商业", "工业", "学府", "滨河", "青年", "红星", "友谊",
]
ROAD_KINDS = ["路", "路", "路", "街", "大街", "大道"]

TRADE_CHAR_A = "正明诚信德衡博睿嘉泰鼎恒华舜岳凤儒弘昊铭瀚宸景鲁齐泓卓"
TRADE_CHAR_B = "信源远达和诚正理平安泽宇润通晟汇衡邦誉盛康宁元"

NOTES = [
    "擅长婚姻家庭纠纷调解",
    "擅长土地承包经营纠纷",
    "擅长劳动争议和工伤赔偿",
    "兼任人民调解委员会委员",
    "每月第一个周三到村坐班",
    "2019年新聘",
    "联系前请先发短信",
    "可提供手语沟通",
    "擅长农村宅基地纠纷",
    "兼任法律援助值班律师",
    "熟悉农民工欠薪维权",
    "擅长合同纠纷",
]
ASSESSMENTS = [("优秀", 25), ("称职", 65), ("基本称职", 10)]

MOBILE_PREFIXES = [str(p) for p in list(range(130, 140)) + list(range(150, 160)) + list(range(180, 190))]

ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0635-\d{7}$")
ID_CARD_RE = re.compile(r"^\d{17}[\dX]$")

# ---------------------------------------------------------------------------------------------
# YAML emitting: the roster's house style, shared with `python -m generator import`
# (generator/workbook/yamlwrite.py), then verified by loading it back
# ---------------------------------------------------------------------------------------------


def dump(doc: dict) -> str:
    return yamlwrite.dump(doc, header=HEADER.removeprefix("# "))


try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # PyYAML without libyaml
    _Loader = yaml.SafeLoader


def write_yaml(path: Path, doc: dict) -> int:
    text = dump(doc)
    back = yaml.load(text, Loader=_Loader)
    assert back == doc, f"YAML round trip changed {path}"
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8")
    with open(path, "wb") as f:
        f.write(data)
    return len(data)


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def village_short(name: str) -> tuple[str, bool]:
    """Short name of a village and whether it is a (urban) community."""
    for suffix in VILLAGE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            base = name[: -len(suffix)]
            return base, suffix.startswith("社区") or suffix.startswith("居")
    return name, name.endswith("社区")


def studio_for(name: str) -> str:
    short, community = village_short(name)
    if community and not short.endswith("社区"):
        short += "社区"
    return short + "党群服务中心"


def id_check_digit(first17: str) -> str:
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS)) % 11]


def apportion(total: int, weights: dict, lo: dict, hi: dict) -> dict:
    """Largest-remainder apportionment of ``total`` over keys (in dict order) within bounds."""
    wsum = sum(weights.values())
    quota = {k: total * w / wsum for k, w in weights.items()}
    alloc = {k: min(hi[k], max(lo[k], math.floor(q))) for k, q in quota.items()}
    keys = list(weights)
    while sum(alloc.values()) < total:
        k = max((k for k in keys if alloc[k] < hi[k]), key=lambda k: (quota[k] - alloc[k], -keys.index(k)))
        alloc[k] += 1
    while sum(alloc.values()) > total:
        k = min((k for k in keys if alloc[k] > lo[k]), key=lambda k: (quota[k] - alloc[k], keys.index(k)))
        alloc[k] -= 1
    return alloc


class Synth:
    """All random draws go through one seeded generator, in a fixed order."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.used_phones: set[str] = set()
        self.used_ids: set[str] = set()
        self._surnames = [s for s, _ in SURNAMES]
        self._cum = []
        acc = 0
        for _, w in SURNAMES:
            acc += w
            self._cum.append(acc)

    def landline(self, first: str | None = None) -> str:
        while True:
            head = first or str(self.rng.choice("2345678"))
            p = "0635-" + head + "".join(str(self.rng.randrange(10)) for _ in range(6))
            if p not in self.used_phones:
                self.used_phones.add(p)
                return p

    def mobile(self) -> str:
        while True:
            p = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if p not in self.used_phones:
                self.used_phones.add(p)
                return p

    def name(self, male: bool) -> str:
        surname = self.rng.choices(self._surnames, cum_weights=self._cum)[0]
        pool = GIVEN_MALE if male else GIVEN_FEMALE
        n = 1 if self.rng.random() < 0.3 else 2
        return surname + "".join(self.rng.choice(pool) for _ in range(n))

    def road(self) -> str:
        return self.rng.choice(ROAD_STEMS) + self.rng.choice(ROAD_KINDS)

    def street_address(self, place: str) -> str:
        return f"{place}{self.road()}{self.rng.randint(1, 399)}号"

    def id_card(self, region: str, male: bool) -> str:
        start = datetime.date(1965, 1, 1).toordinal()
        end = datetime.date(1995, 12, 31).toordinal()
        while True:
            born = datetime.date.fromordinal(self.rng.randint(start, end))
            seq = 2 * self.rng.randint(0, 498) + (1 if male else 2)  # 001..997 odd / 002..998 even
            first17 = f"{region}{born:%Y%m%d}{seq:03d}"
            card = first17 + id_check_digit(first17)
            if card not in self.used_ids:
                self.used_ids.add(card)
                return card


# ---------------------------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------------------------


def read_divisions(path: Path):
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    counties: dict[str, str] = {}
    townships: dict[str, dict] = {}
    for r in sorted(rows, key=lambda r: r["village_code"]):
        counties.setdefault(r["county_code"], r["county_name"])
        t = townships.setdefault(
            r["township_code"],
            {"code": r["township_code"], "name": r["township_name"], "county": r["county_code"], "villages": []},
        )
        t["villages"].append({"code": r["village_code"], "name": r["village_name"]})
    return dict(sorted(counties.items())), dict(sorted(townships.items()))


def build(divisions: Path):
    """The sample roster as documents, made in a fixed order of random draws (one seeded generator):
    each step below draws in turn, so reordering them changes every name and phone."""
    syn = Synth(SEED)
    counties, townships = read_divisions(divisions)
    units, unit_towns, counties_doc = make_units(syn, counties, townships)
    orgs, offices = make_organizations(syn, units, unit_towns, townships, counties_doc)
    normal = size_townships(townships)
    advisors = assign_advisors(syn, units, townships, offices)
    make_teams(syn, townships, normal)
    out_advisors = personal_details(syn, units, townships, advisors)
    regions = region_documents(syn, townships)
    return {
        "units": units,
        "townships": townships,
        "counties_doc": counties_doc,
        "orgs": orgs,
        "advisors": advisors,
        "out_advisors": out_advisors,
        "regions": regions,
    }


def make_units(syn: Synth, counties: dict, townships: dict) -> tuple[dict, dict, list]:
    """The county-level units (counties and zones), each township's unit, and counties.yaml's entries."""
    units: dict[str, dict] = {}
    for code, name in counties.items():
        units[code] = {"id": code, "code": code, "name": name, "kind": "county", "region": code}
    for uid, name in ZONES:
        units[uid] = {"id": uid, "name": name, "kind": "zone", "region": ZONE_REGION_CODE}
    for t in townships.values():
        t["unit"] = ZONE_TOWNSHIPS.get(t["code"], t["county"])
        assert t["unit"] in units
    unit_towns = {u: [t for t in townships.values() if t["unit"] == u] for u in units}

    counties_doc = []
    for u in units.values():
        entry = {"id": u["id"]}
        if "code" in u:
            entry["code"] = u["code"]
        entry["name"] = u["name"]
        entry["kind"] = u["kind"]
        entry["centre"] = {
            "name": f"{u['name']}公共法律服务中心",
            "address": syn.street_address(u["name"]),
            "phone": syn.landline(),
            "hours": CENTRE_HOURS,
        }
        counties_doc.append(entry)
    return units, unit_towns, counties_doc


def make_organizations(syn: Synth, units: dict, unit_towns: dict, townships: dict,
                       counties_doc: list) -> tuple[list[dict], dict]:
    """Law firms, legal service offices, judicial offices, notaries, legal aid and appraisal bodies;
    and the offices advisors are drawn from: ``law_firms`` and ``service_offices`` by unit,
    ``own_office`` and ``judicial_office`` by township."""
    rng = syn.rng
    orgs: list[dict] = []
    trade_names: set[str] = set()
    unit_villages = {u: sum(len(t["villages"]) for t in ts) for u, ts in unit_towns.items()}

    def trade_name() -> str:
        while True:
            a, b = rng.choice(TRADE_CHAR_A), rng.choice(TRADE_CHAR_B)
            if a != b and a + b not in trade_names:
                trade_names.add(a + b)
                return a + b

    def org(oid, name, kind, unit, address, township=None):
        o = {"id": oid, "name": name, "kind": kind, "county": unit}
        if township:
            o["township"] = township
        o |= {"address": address, "phone": syn.landline()}
        orgs.append(o)
        return o

    lf_alloc = apportion(
        N_LAW_FIRMS, unit_villages, dict.fromkeys(units, 2), dict.fromkeys(units, N_LAW_FIRMS)
    )
    law_firms: dict[str, list[str]] = {}
    n = 0
    for u in units:
        law_firms[u] = []
        for _ in range(lf_alloc[u]):
            n += 1
            oid = f"LF{n:03d}"
            address = syn.street_address(units[u]["name"]) + f"{rng.randint(2, 12)}楼"
            org(oid, f"山东{trade_name()}律师事务所", "law-firm", u, address)
            law_firms[u].append(oid)

    eligible = {u: [t for t in ts if t["code"] != SPECIAL_TOWNSHIP] for u, ts in unit_towns.items()}
    ls_alloc = apportion(
        N_SERVICE_OFFICES,
        {u: len(ts) for u, ts in eligible.items()},
        dict.fromkeys(units, 1),
        {u: len(ts) for u, ts in eligible.items()},
    )
    service_offices: dict[str, list[str]] = {}
    own_office: dict[str, str] = {}
    n = 0
    for u in units:
        service_offices[u] = []
        # legal service offices sit in the unit's largest townships
        hosts = sorted(eligible[u], key=lambda t: (-len(t["villages"]), t["code"]))[: ls_alloc[u]]
        for t in sorted(hosts, key=lambda t: t["code"]):
            n += 1
            oid = f"LS{n:03d}"
            org(oid, f"{t['name']}法律服务所", "legal-service-office", u, syn.street_address(t["name"]), t["code"])
            service_offices[u].append(oid)
            own_office[t["code"]] = oid

    judicial_office: dict[str, str] = {}
    n = 0
    for t in townships.values():
        if t["code"] == SPECIAL_TOWNSHIP:
            continue
        n += 1
        oid = f"JO{n:03d}"
        seat = "办事处" if t["name"].endswith("街道") else "人民政府"
        org(oid, f"{t['name']}司法所", "judicial-office", t["unit"], f"{t['name']}{seat}院内", t["code"])
        judicial_office[t["code"]] = oid

    official = [u for u in units if units[u]["kind"] == "county"]
    for i, u in enumerate(official, 1):
        org(f"NO{i:03d}", f"{units[u]['name']}公证处", "notary", u, syn.street_address(units[u]["name"]))
    for i, u in enumerate(official, 1):
        org(f"LA{i:03d}", f"{units[u]['name']}法律援助中心", "legal-aid", u,
            counties_doc[official.index(u)]["centre"]["address"])
    for i, u in enumerate(["371502", "371502", "371581"], 1):
        org(f"AP{i:03d}", f"聊城{trade_name()}司法鉴定所", "appraisal", u, syn.street_address(units[u]["name"]))
    offices = {"law_firms": law_firms, "service_offices": service_offices, "own_office": own_office,
               "judicial_office": judicial_office}
    return orgs, offices


def size_townships(townships: dict) -> list[dict]:
    """How many advisors each township gets (``k``): in proportion to its villages, at most
    MAX_VILLAGES villages each and at least 3, adding up to TOTAL_ADVISORS. Returns the townships
    sized that way (all but the special one, which gets SPECIAL_ADVISORS)."""
    normal = [t for t in townships.values() if t["code"] != SPECIAL_TOWNSHIP]
    budget = TOTAL_ADVISORS - SPECIAL_ADVISORS
    n_total = sum(len(t["villages"]) for t in normal)
    for t in normal:
        nv = len(t["villages"])
        t["k_lo"] = max(3, math.ceil(nv / MAX_VILLAGES))
        t["k_hi"] = nv
        assert t["k_lo"] <= t["k_hi"], t["code"]
        t["k"] = min(t["k_hi"], max(t["k_lo"], math.floor(nv * budget / n_total + 0.5)))
    by_size = sorted(normal, key=lambda t: (-len(t["villages"]), t["code"]))
    while (diff := sum(t["k"] for t in normal) - budget) != 0:
        step = -1 if diff > 0 else 1
        moved = False
        for t in by_size:
            if diff == 0:
                break
            if t["k_lo"] <= t["k"] + step <= t["k_hi"]:
                t["k"] += step
                diff += step
                moved = True
        assert moved, "cannot reach the advisor total"
    townships[SPECIAL_TOWNSHIP]["k"] = SPECIAL_ADVISORS
    return normal


def assign_advisors(syn: Synth, units: dict, townships: dict, offices: dict) -> list[dict]:
    """Each township's advisors (roles and organizations) and the villages each serves, in village
    order; sets each township's ``advisors`` and ``out_villages``."""
    rng = syn.rng
    law_firms, service_offices = offices["law_firms"], offices["service_offices"]
    # lawyers of each unit are spread over its law firms: a shuffled deck, dealt in order
    lawyer_deck: dict[str, list[str]] = {}

    def next_law_firm(u: str) -> str:
        if not lawyer_deck.get(u):
            deck = list(law_firms[u])
            rng.shuffle(deck)
            lawyer_deck[u] = deck
        return lawyer_deck[u].pop()

    advisors: list[dict] = []
    for t in townships.values():
        k = t["k"]
        u = t["unit"]
        if t["code"] == SPECIAL_TOWNSHIP:
            slots = [("lawyer", next_law_firm(u)) for _ in range(k)]
        else:
            j = max(1, math.floor(0.20 * k + 0.5))
            lw = math.floor(0.45 * k + 0.5)
            w = k - j - lw
            assert w >= 1
            slots = [("judicial-officer", offices["judicial_office"][t["code"]])] * j
            slots += [("lawyer", next_law_firm(u)) for _ in range(lw)]
            for _ in range(w):
                own = offices["own_office"].get(t["code"])
                slots.append(("legal-worker", own or rng.choice(service_offices[u])))
            rng.shuffle(slots)
        villages = t["villages"]
        nv = len(villages)
        t["advisors"] = []
        out_villages = []
        for i, (role, oid) in enumerate(slots):
            aid = f"A{len(advisors) + 1:04d}"
            a = {"id": aid, "role": role, "organization": oid, "unit": u, "township": t["code"], "villages": []}
            advisors.append(a)
            t["advisors"].append(a)
            for v in villages[(i * nv) // k: ((i + 1) * nv) // k]:
                a["villages"].append(v["code"])
                out_villages.append({
                    "code": v["code"],
                    "name": v["name"],
                    "advisor": aid,
                    "studio": studio_for(v["name"]),
                })
        t["out_villages"] = out_villages
    return advisors


def make_teams(syn: Synth, townships: dict, normal: list[dict]) -> None:
    """Each township's team (``team``: 3 to 8 advisor ids, a judicial officer, a lawyer and a legal
    worker among them where the township has them)."""
    rng = syn.rng
    for t in normal:
        nv = len(t["villages"])
        size = max(3, min(8, t["k"], 2 + nv // 15))
        pool = t["advisors"]
        team = [rng.choice([a for a in pool if a["role"] == "judicial-officer"])]
        for role in ("lawyer", "legal-worker"):
            cands = [a for a in pool if a["role"] == role]
            if cands and len(team) < size:
                team.append(rng.choice(cands))
        rest = [a for a in pool if a not in team]
        team += rng.sample(rest, size - len(team))
        t["team"] = sorted(a["id"] for a in team)
    # 香江管委会: its own advisors plus the judicial officer of a neighbouring 东昌府区 street
    special = townships[SPECIAL_TOWNSHIP]
    neighbours = [
        t for t in normal if t["unit"] == special["unit"] and t["name"].endswith("街道")
    ]
    helper_town = rng.choice(neighbours)
    helper = rng.choice([a for a in helper_town["advisors"] if a["role"] == "judicial-officer"])
    team = [a["id"] for a in special["advisors"]] + [helper["id"]]
    assert len(team) == SPECIAL_TEAM
    special["team"] = sorted(team)


def personal_details(syn: Synth, units: dict, townships: dict, advisors: list[dict]) -> list[dict]:
    """advisors.yaml's entries, in id order: names, phones and the private fields (ID card, home
    address, notes, assessment) that the site must never show."""
    rng = syn.rng
    assessment_values = [a for a, _ in ASSESSMENTS]
    assessment_weights = [w for _, w in ASSESSMENTS]
    out_advisors = []
    for a in advisors:
        unit = units[a["unit"]]
        town = townships[a["township"]]
        male = rng.random() < 0.6
        entry = {
            "id": a["id"],
            "name": syn.name(male),
            "role": a["role"],
            "organization": a["organization"],
            "phone": syn.mobile(),
            "id_card": syn.id_card(unit["region"], male),
        }
        if rng.random() < 0.5:
            entry["home_address"] = (
                syn.street_address(unit["name"])
                + f"{rng.randint(1, 30)}号楼{rng.randint(1, 4)}单元{rng.randint(1, 18)}0{rng.randint(1, 4)}室"
            )
        else:
            v = rng.choice(town["villages"])
            short, community = village_short(v["name"])
            if community:
                tail = ("" if short.endswith("社区") else "社区") + f"{rng.randint(1, 20)}号楼{rng.randint(1, 4)}单元{rng.randint(1, 6)}0{rng.randint(1, 4)}室"
            else:
                tail = ("" if short.endswith("村") else "村") + f"{rng.randint(1, 300)}号"
            entry["home_address"] = f"{unit['name']}{town['name']}{short}{tail}"
        if rng.random() < 0.10:
            entry["notes"] = rng.choice(NOTES)
        if rng.random() < 0.60:
            entry["assessment"] = rng.choices(assessment_values, weights=assessment_weights)[0]
        a["entry"] = entry
        out_advisors.append(entry)
    return out_advisors


def region_documents(syn: Synth, townships: dict) -> list[tuple[dict, dict]]:
    """One document per township (its workstation, team and villages), with its township."""
    places = ["便民服务中心二楼", "便民服务中心一楼", "综合服务中心一楼", "综治中心二楼"]
    regions: list[tuple[dict, dict]] = []
    for t in townships.values():
        ws = {
            "address": f"{t['name']}{syn.rng.choice(places)}",
            "phone": syn.landline("8"),
            "hours": WORKSTATION_HOURS,
        }
        doc = {
            "township": {
                "code": t["code"],
                "name": t["name"],
                "county": t["unit"],
                "workstation": ws,
                "team": t["team"],
            },
            "villages": t["out_villages"],
        }
        regions.append((t, doc))
    return regions


# ---------------------------------------------------------------------------------------------
# Checks and summary
# ---------------------------------------------------------------------------------------------


def check_and_summarize(r: dict) -> None:
    units, townships, orgs, advisors = r["units"], r["townships"], r["orgs"], r["advisors"]
    n_villages = sum(len(t["villages"]) for t in townships.values())
    kinds = collections.Counter(o["kind"] for o in orgs)
    roles = collections.Counter(a["role"] for a in advisors)
    org_by_id = {o["id"]: o for o in orgs}

    assert len(units) == 11, len(units)
    assert len(townships) == 136, len(townships)
    assert n_villages == 6363, n_villages
    assert len(advisors) == TOTAL_ADVISORS, len(advisors)
    assert [a["id"] for a in advisors] == [f"A{i:04d}" for i in range(1, TOTAL_ADVISORS + 1)]
    assert kinds["law-firm"] == 41 and kinds["legal-service-office"] == 69 and kinds["judicial-office"] == 135, kinds
    assert len(org_by_id) == len(orgs)
    for u in units:
        assert sum(1 for o in orgs if o["kind"] == "law-firm" and o["county"] == u) >= 2, u

    in_team = collections.Counter(aid for t in townships.values() for aid in t["team"])
    served = collections.Counter()
    for t in townships.values():
        codes = [v["code"] for v in t["out_villages"]]
        assert codes == [v["code"] for v in t["villages"]], t["code"]
        for v in t["out_villages"]:
            served[v["advisor"]] += 1
        team = t["team"]
        assert len(set(team)) == len(team)
        if t["code"] == SPECIAL_TOWNSHIP:
            assert len(team) == SPECIAL_TEAM
        else:
            assert 3 <= len(team) <= 8, (t["code"], team)
            own = {a["id"] for a in t["advisors"]}
            assert set(team) <= own, t["code"]
            assert any(
                org_by_id[r["advisors"][int(aid[1:]) - 1]["organization"]]["name"] == f"{t['name']}司法所"
                for aid in team
            ), t["code"]
    for a in advisors:
        nv = served[a["id"]]
        assert (1 <= nv <= MAX_VILLAGES) or (nv == 0 and in_team[a["id"]]), a["id"]
        assert nv == len(a["villages"])
        o = org_by_id[a["organization"]]
        expected = {"law-firm": "lawyer", "legal-service-office": "legal-worker", "judicial-office": "judicial-officer"}
        assert expected[o["kind"]] == a["role"], a["id"]
        assert o["county"] == a["unit"], a["id"]
        if a["role"] == "judicial-officer":
            assert o["name"] == townships[a["township"]]["name"] + "司法所"
    assert sum(served.values()) == n_villages

    phones = [a["entry"]["phone"] for a in advisors]
    landlines = [o["phone"] for o in orgs] + [c["centre"]["phone"] for c in r["counties_doc"]]
    landlines += [doc["township"]["workstation"]["phone"] for _, doc in r["regions"]]
    assert all(MOBILE_RE.match(p) for p in phones)
    assert all(p[:3] in MOBILE_PREFIXES for p in phones)
    assert all(LANDLINE_RE.match(p) for p in landlines)
    everything = phones + landlines
    assert len(set(everything)) == len(everything), "phone numbers not distinct"
    cards = [a["entry"]["id_card"] for a in advisors]
    assert len(set(cards)) == len(cards)
    for c, a in zip(cards, advisors):
        assert ID_CARD_RE.match(c) and id_check_digit(c[:17]) == c[17], c
        assert c[:6] == units[a["unit"]]["region"]
        born = datetime.date(int(c[6:10]), int(c[10:12]), int(c[12:14]))
        assert 1965 <= born.year <= 1995

    vals = [served[a["id"]] for a in advisors]
    teams = [len(t["team"]) for t in townships.values()]
    dist = collections.Counter(vals)
    print(f"units: {len(units)} ({sum(1 for u in units.values() if u['kind'] == 'county')} counties + "
          f"{sum(1 for u in units.values() if u['kind'] == 'zone')} zones)")
    print(f"townships: {len(townships)}   villages: {n_villages}")
    print(f"advisors: {len(advisors)}  " + "  ".join(
        f"{role}={roles[role]} ({100 * roles[role] / len(advisors):.1f}%)"
        for role in ("lawyer", "legal-worker", "judicial-officer")))
    print("organizations: " + "  ".join(f"{k}={kinds[k]}" for k in (
        "law-firm", "legal-service-office", "judicial-office", "notary", "legal-aid", "appraisal")))
    print(f"villages per advisor: min={min(vals)} max={max(vals)} mean={n_villages / len(advisors):.2f}  "
          + "distribution " + " ".join(f"{k}:{dist[k]}" for k in sorted(dist)))
    print(f"team size: min={min(teams)} max={max(teams)}")


# ---------------------------------------------------------------------------------------------
# Province: the prefecture repeated under synthetic city codes, for benchmarks
# ---------------------------------------------------------------------------------------------

# Shandong's 16 city codes (3712 was merged into 3701 in 2019) with their area codes; the cities'
# names are synthetic, so nobody mistakes the sample for a real city's roster.
PROVINCE_CITIES = [
    ("3701", "0531"), ("3702", "0532"), ("3703", "0533"), ("3704", "0632"), ("3705", "0546"),
    ("3706", "0535"), ("3707", "0536"), ("3708", "0537"), ("3709", "0538"), ("3710", "0631"),
    ("3711", "0633"), ("3713", "0539"), ("3714", "0534"), ("3715", "0635"), ("3716", "0543"),
    ("3717", "0530"),
]
CITY_NUMERALS = "一二三四五六七八九十"
PROVINCE_TARGET = {"units": 156, "townships": 1862, "villages": 77299}
# The units each city leaves out: 20 of 176 units (12 cities one, 4 cities two), 314 townships,
# so the province has 156 units and 1,862 townships. Units never share advisors or organizations
# in the sample, so leaving one out leaves the rest whole.
PROVINCE_DROPS = [
    ("371522", "371521"), ("371503",), ("371526",), ("371581",),
    ("371522", "371581"), ("371524",), ("371524",), ("371526",),
    ("371522", "371521"), ("371524",), ("371581",), ("371526",),
    ("371522", "371525"), ("371524",), ("371502",), ("371526",),
]
PROVINCE_PROGRAMME = {
    "name": "一乡镇一团队、一村居一顾问",
    "city": "山东省",
    "province": "山东省",
    "hotline": "12348",
    "local_hotline": "0531-12348",
    "base_url": "https://fw.sd.example/",
    "sample": True,
    "max_villages_per_advisor": MAX_VILLAGES,
}


def city_name(n: int) -> str:
    """1 → 示例一市, 12 → 示例十二市 (synthetic names, distinct)."""
    numeral = CITY_NUMERALS[n - 1] if n <= 10 else "十" + CITY_NUMERALS[n - 11]
    return f"示例{numeral}市"


def keep_counts(sizes: list[int], keep_total: int) -> list[int]:
    """How many villages each township keeps so that they add up to ``keep_total``: the same share
    everywhere (largest remainders, ties by position, so deterministic), at least one each."""
    total = sum(sizes)
    exact = [s * keep_total / total for s in sizes]
    keep = [max(1, math.floor(e)) for e in exact]
    order = sorted(range(len(sizes)), key=lambda i: (-(exact[i] - math.floor(exact[i])), i))
    i = 0
    while sum(keep) < keep_total:
        j = order[i % len(order)]
        if keep[j] < sizes[j]:
            keep[j] += 1
        i += 1
    return keep


def add_city(r: dict, n: int, prefix: str, area: str, drops: tuple[str, ...], kept_villages: dict,
             cities: list, counties_doc: list, orgs_out: list, advisors_out: list, regions: list) -> None:
    """Append city ``n``'s documents: its kept units, codes under ``prefix``, ids suffixed with its number."""
    units = r["units"]
    city_id = prefix
    kk = f"{n + 1:02d}"

    def code(c: str) -> str:
        return prefix + c[4:] if c.startswith("3715") else c

    def uid(u: str) -> str:
        return code(u) if units[u]["kind"] == "county" else f"{u}_{kk}"  # folder names split at "-"

    def rid(i: str) -> str:  # advisor and organization ids
        return f"{i}-{kk}"

    def phone(p: str) -> str:
        return area + p[4:] if p.startswith("0635-") else p

    stem = city_name(n + 1).removesuffix("市")

    def text(doc: dict) -> dict:  # zones and firms named after the prefecture take the city's name
        return {k: (v.replace("聊城", stem) if isinstance(v, str) else text(v) if isinstance(v, dict) else v)
                for k, v in doc.items()}

    cities.append({"id": city_id, "code": prefix, "name": city_name(n + 1), "local_hotline": f"{area}-12348"})
    towns = [(t, doc) for t, doc in r["regions"] if t["unit"] not in drops]
    served: set[str] = set()
    teams: set[str] = set()
    for _, doc in towns:
        k = kept_villages[(n, doc["township"]["code"])]
        served.update(v["advisor"] for v in doc["villages"][:k] if v.get("advisor"))
        teams.update(doc["township"]["team"])
    live = served | teams  # an advisor with neither would be advisor-idle
    for c in r["counties_doc"]:
        if c["id"] in drops:
            continue
        entry = dict(c, id=uid(c["id"]))
        if "code" in c:
            entry["code"] = code(c["code"])
        centre = dict(c["centre"], phone=phone(c["centre"]["phone"]))
        del entry["centre"]
        entry["city"] = city_id  # after kind, before centre: the order staff read a unit in
        entry["centre"] = centre
        counties_doc.append(text(entry))
    for o in r["orgs"]:
        if o["county"] in drops:
            continue
        entry = dict(o, id=rid(o["id"]), county=uid(o["county"]))
        if "township" in o:
            entry["township"] = code(o["township"])
        if "phone" in o:
            entry["phone"] = phone(o["phone"])
        orgs_out.append(text(entry))
    for a in r["out_advisors"]:
        if a["id"] not in live:
            continue
        entry = dict(a, id=rid(a["id"]), organization=rid(a["organization"]))
        entry["phone"] = phone(a["phone"])
        advisors_out.append(entry)
    for t, doc in towns:
        tw = doc["township"]
        k = kept_villages[(n, tw["code"])]
        town = dict(tw, code=code(tw["code"]), county=uid(tw["county"]),
                    workstation=dict(tw["workstation"], phone=phone(tw["workstation"]["phone"])),
                    team=[rid(a) for a in tw["team"]])
        villages = [dict(v, code=code(v["code"]), **({"advisor": rid(v["advisor"])} if v.get("advisor") else {}))
                    for v in doc["villages"][:k]]
        u = units[t["unit"]]
        regions.append((f"{uid(u['id'])}-{text(u)['name']}", f"{town['code']}-{town['name']}.yaml",
                        {"township": text(town), "villages": villages}))


def build_province(r: dict) -> dict:
    """The province's documents from the prefecture's ``build`` result: per city, the kept units
    with their codes moved under the city's prefix and ids suffixed with the city's number."""
    counties_doc: list[dict] = []
    orgs_out: list[dict] = []
    advisors_out: list[dict] = []
    regions: list[tuple[str, str, dict]] = []  # (unit folder, file name, document)
    cities: list[dict] = []
    # trailing villages are left out evenly across townships to hit the province's count
    kept_towns = [(n, t, doc) for n, drops in enumerate(PROVINCE_DROPS) for t, doc in r["regions"] if t["unit"] not in drops]
    keep = keep_counts([len(doc["villages"]) for _, _, doc in kept_towns], PROVINCE_TARGET["villages"])
    kept_villages = {(n, doc["township"]["code"]): k for (n, _, doc), k in zip(kept_towns, keep)}

    for n, ((prefix, area), drops) in enumerate(zip(PROVINCE_CITIES, PROVINCE_DROPS)):
        add_city(r, n, prefix, area, drops, kept_villages, cities, counties_doc, orgs_out, advisors_out, regions)
    return {"cities": cities, "counties_doc": counties_doc, "orgs": orgs_out, "advisors": advisors_out,
            "regions": regions}


def write_province(r: dict, out: Path) -> int:
    """Write the province roster into ``out`` (its own files only); returns bytes written."""
    p = build_province(r)
    n_villages = sum(len(doc["villages"]) for _, _, doc in p["regions"])
    assert len(p["counties_doc"]) == PROVINCE_TARGET["units"], len(p["counties_doc"])
    assert len(p["regions"]) == PROVINCE_TARGET["townships"], len(p["regions"])
    assert n_villages == PROVINCE_TARGET["villages"], n_villages
    size = write_yaml(out / "programme.yaml", dict(PROVINCE_PROGRAMME))
    size += write_yaml(out / "cities.yaml", {"cities": p["cities"]})
    size += write_yaml(out / "counties.yaml", {"counties": p["counties_doc"]})
    size += write_yaml(out / "organizations.yaml", {"organizations": p["orgs"]})
    size += write_yaml(out / "advisors.yaml", {"advisors": p["advisors"]})
    for folder, name, doc in p["regions"]:
        path = out / "regions" / folder / name
        assert not path.exists(), path
        size += write_yaml(path, doc)
    print(f"province: {len(p['cities'])} cities, {len(p['counties_doc'])} units, {len(p['regions'])} townships, "
          f"{n_villages} villages, {len(p['advisors'])} advisors, {len(p['orgs'])} organizations")
    return size


def main(argv: list[str] | None = None) -> int:
    repo = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--divisions", type=Path, default=repo / "scripts" / "divisions" / "liaocheng-2019.csv")
    ap.add_argument("--out", type=Path, default=repo / "data")
    ap.add_argument("--province", action="store_true",
                    help="a synthetic province of 16 cities for benchmarks (write it outside the repository)")
    args = ap.parse_args(argv)

    r = build(args.divisions)
    check_and_summarize(r)

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    for name in ("programme.yaml", "cities.yaml", "counties.yaml", "organizations.yaml", "advisors.yaml"):
        (out / name).unlink(missing_ok=True)
    if (out / "regions").exists():
        shutil.rmtree(out / "regions")
    if args.province:
        size = write_province(r, out)
        print(f"wrote {size:,} bytes to {out}")
        return 0

    size = 0
    size += write_yaml(out / "programme.yaml", dict(PROGRAMME))
    size += write_yaml(out / "counties.yaml", {"counties": r["counties_doc"]})
    size += write_yaml(out / "organizations.yaml", {"organizations": r["orgs"]})
    size += write_yaml(out / "advisors.yaml", {"advisors": r["out_advisors"]})
    units = r["units"]
    for t, doc in r["regions"]:
        u = units[t["unit"]]
        path = out / "regions" / f"{u['id']}-{u['name']}" / f"{t['code']}-{t['name']}.yaml"
        assert not path.exists(), path
        size += write_yaml(path, doc)
    n_files = 4 + len(r["regions"])
    print(f"wrote {n_files} files, {size:,} bytes, to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
