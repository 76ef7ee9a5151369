"""A 2023-style roster made from a 2019 one and the 2023 division list, as staff would after
the 2020–21 mergers: villages that kept their code stay (renamed if their name changed), the
others are retired into a 2023 village of the same township, new 2023 villages get the
advisor of a village merged into them, townships whose code changed are retired into their
successor, and advisors left with neither village nor team are gone.

How a 2019 village maps (no official mapping is published): to the 2023 village of its
township whose short name starts with its own (孙楼 → 孙楼新村), else to the one sharing the
most characters with it, else the township's first new village; ties go to the lower code.
"""

from __future__ import annotations

import csv
import re
import shutil
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

from generator.workbook.yamlwrite import dump
from tests.helpers import ROOT

DIVISIONS = ROOT / "scripts" / "divisions"
SUFFIX = re.compile(r"(社区居居民委员会|社区居民委员会|社区居委会|村民委员会|居民委员会|村委会|居委会|村委)$")
YEAR = 2021


def stem(name: str) -> str:
    """王庄村委会 → 王庄; 孙楼新村村民委员会 → 孙楼新村."""
    s = SUFFIX.sub("", name)
    return s.removesuffix("村") if len(s) > 2 else s


def read_csv(year: int) -> list[dict[str, str]]:
    with (DIVISIONS / f"liaocheng-{year}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def load(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


def slice_roster(source: Path, out: Path, units: set[str]) -> Path:
    """A copy of ``source`` with only the townships of the county-level ``units``."""
    shutil.copytree(source, out, ignore=shutil.ignore_patterns("regions"))
    for folder in (source / "regions").iterdir():
        if folder.name.split("-")[0] in units:
            shutil.copytree(folder, out / "regions" / folder.name)
    towns = {load(p)["township"]["code"] for p in (out / "regions").rglob("*.yaml")}
    counties = load(out / "counties.yaml")
    counties["counties"] = [c for c in counties["counties"] if c["id"] in units]
    (out / "counties.yaml").write_text(dump(counties), encoding="utf-8")
    orgs = load(out / "organizations.yaml")
    orgs["organizations"] = [o for o in orgs["organizations"] if o["county"] in units and o.get("township", next(iter(towns))) in towns]
    (out / "organizations.yaml").write_text(dump(orgs), encoding="utf-8")
    kept_orgs = {o["id"] for o in orgs["organizations"]}
    serving = {v["advisor"] for p in (out / "regions").rglob("*.yaml") for v in load(p)["villages"]}
    serving |= {m for p in (out / "regions").rglob("*.yaml") for m in load(p)["township"]["team"]}
    advisors = load(out / "advisors.yaml")
    advisors["advisors"] = [a for a in advisors["advisors"] if a["id"] in serving and a["organization"] in kept_orgs]
    (out / "advisors.yaml").write_text(dump(advisors), encoding="utf-8")
    return out


def successor_township(code: str, name: str, by_code: dict[str, str], county: str) -> str:
    """The 2023 code of a 2019 township: the same, or the one of its county with the same stem (广平乡 → 广平镇)."""
    if code in by_code:
        return code
    core = name.rstrip("乡镇")
    found = [c for c, n in sorted(by_code.items()) if c.startswith(county) and n.rstrip("乡镇") == core]
    assert found, (code, name)
    return found[0]


def merge_roster(source: Path, out: Path) -> Path:
    """The 2023 roster of the townships in ``source`` (a 2019 roster, whole or a slice)."""
    rows = read_csv(2023)
    town23 = {r["township_code"]: r["township_name"] for r in rows}
    villages23: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        villages23[r["township_code"]].append({"code": r["village_code"], "name": r["village_name"]})
    all23 = {r["village_code"] for r in rows}

    shutil.copytree(source, out, ignore=shutil.ignore_patterns("regions"))
    counties = {c["id"]: c["name"] for c in load(out / "counties.yaml")["counties"]}
    retired_villages: list[dict[str, Any]] = []
    retired_townships: list[dict[str, Any]] = []
    moved_towns: dict[str, str] = {}
    serving: set[str] = set()
    for path in sorted((source / "regions").rglob("*.yaml")):
        doc = load(path)
        t = doc["township"]
        code23 = successor_township(t["code"], t["name"], town23, t["code"][:6])
        new_villages = villages23[code23]
        kept = {v["code"]: v for v in doc["villages"] if v["code"] in all23}
        fresh = [v for v in new_villages if v["code"] not in kept]
        merged_into: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for v in doc["villages"]:
            if v["code"] in all23:
                continue
            s = stem(v["name"])
            candidates = sorted(new_villages, key=lambda n: n["code"])
            pick = next((n for n in candidates if stem(n["name"]).startswith(s)), None)
            if pick is None:
                best = max(candidates, key=lambda n: (len(set(stem(n["name"])) & set(s)), -int(n["code"])))
                pick = best if set(stem(best["name"])) & set(s) else (fresh or candidates)[0]
            merged_into[pick["code"]].append(v)
            kind = "merged" if pick["code"].startswith(t["code"]) else "moved"  # a recoded township: 划归
            retired_villages.append({"code": v["code"], "name": v["name"], "township": t["code"], "year": YEAR,
                                     "kind": kind, "successors": [pick["code"]]})
        load_of: dict[str, int] = defaultdict(int)
        for v in kept.values():
            load_of[v["advisor"]] += 1
        pool = sorted({v["advisor"] for v in doc["villages"]})
        villages = []
        for n in new_villages:
            if n["code"] in kept:
                v = dict(kept[n["code"]])
                v["name"] = n["name"]
            else:
                before = merged_into.get(n["code"])
                advisor = before[0]["advisor"] if before else min(pool, key=lambda a: (load_of[a], a))
                load_of[advisor] += 1
                v = {"code": n["code"], "name": n["name"], "advisor": advisor, "studio": stem(n["name"]) + "党群服务中心"}
            villages.append(v)
        serving |= {v["advisor"] for v in villages} | set(t["team"])
        t = dict(t)
        if code23 != t["code"]:
            moved_towns[t["code"]] = code23
            retired_townships.append({"code": t["code"], "name": t["name"], "county": t["county"], "year": YEAR,
                                      "kind": "renamed", "successors": [code23]})
        t["code"], t["name"] = code23, town23[code23]
        target = out / "regions" / path.parent.name / f"{code23}-{t['name']}.yaml"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(dump({"township": t, "villages": villages}), encoding="utf-8")
    orgs = load(out / "organizations.yaml")
    for o in orgs["organizations"]:
        if o.get("township") in moved_towns:
            o["township"] = moved_towns[o["township"]]
    (out / "organizations.yaml").write_text(dump(orgs), encoding="utf-8")
    advisors = load(out / "advisors.yaml")
    advisors["advisors"] = [a for a in advisors["advisors"] if a["id"] in serving]
    (out / "advisors.yaml").write_text(dump(advisors), encoding="utf-8")
    retired: dict[str, Any] = {"villages": sorted(retired_villages, key=lambda r: r["code"])}
    if retired_townships:
        retired["townships"] = retired_townships
    (out / "retired.yaml").write_text(dump(retired, "2020–2021 年村居合并：旧代码的网址继续有效"), encoding="utf-8")
    assert set(counties)  # the units stay
    return out
