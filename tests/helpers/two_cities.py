"""A two-city roster for tests of the city level: the small roster as one city, a second small city beside it."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.roster_edit import copy_roster, edit

CITIES = """cities:
  - id: '3715'
    name: 聊城市
    code: '3715'
    local_hotline: '0635-12348'
  - id: '3716'
    name: 滨州市
    code: '3716'
    local_hotline: '0543-12348'
"""

SECOND_COUNTY = """  - id: '371602'
    code: '371602'
    name: 滨城区
    kind: county
    city: '3716'
    centre:
      name: 滨城区公共法律服务中心
      address: 滨城区黄河五路1号
      phone: '0543-3210001'
      hours: 周一至周五 9:00—17:00
"""

SECOND_TOWNSHIP = """township:
  code: '371602001'
  name: 市中街道
  county: '371602'
  workstation:
    address: 市中街道便民服务中心一楼
    phone: '0543-3310001'
    hours: 周一至周五 9:00—17:00
  team: ['A0101']
villages:
  - code: '371602001001'
    name: 王庄村委会
    advisor: A0101
  - code: '371602001002'
    name: 渤海社区居委会
    advisor: A0101
"""


def two_city_roster(tmp: Path) -> Path:
    """``tmp/data``: a province's programme (山东省) with 聊城市 (the small roster) and 滨州市
    (one unit, one township, two villages — one named 王庄 like a village of 聊城)."""
    root = copy_roster(tmp)
    edit(root, "programme.yaml", "city: 聊城市", "city: 山东省")
    edit(root, "programme.yaml", "local_hotline: '0635-12348'", "local_hotline: '0531-12348'")
    (root / "cities.yaml").write_text(CITIES, encoding="utf-8")
    edit(root, "counties.yaml", "    kind: county\n", "    kind: county\n    city: '3715'\n")
    edit(root, "counties.yaml", "    kind: zone\n", "    kind: zone\n    city: '3715'\n")
    with (root / "counties.yaml").open("a", encoding="utf-8") as f:
        f.write(SECOND_COUNTY)
    with (root / "organizations.yaml").open("a", encoding="utf-8") as f:
        f.write("  - id: LF101\n    name: 山东渤海律师事务所\n    kind: law-firm\n    county: '371602'\n")
    with (root / "advisors.yaml").open("a", encoding="utf-8") as f:
        f.write("  - id: A0101\n    name: 周海\n    role: lawyer\n    organization: LF101\n    phone: '13905430101'\n")
    folder = root / "regions" / "371602-滨城区"
    folder.mkdir()
    (folder / "371602001-市中街道.yaml").write_text(SECOND_TOWNSHIP, encoding="utf-8")
    return root
