"""Any city, any province: nothing about Liaocheng lives outside data/; another city's roster, built
with mkdocs.yml and content/ as shipped, makes a site that never names the sample city."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.roster_edit import SMALL, copy_roster
from tests.helpers.sites import mkdocs_build, project

#: Liaocheng's facts and another city's (Baoding, Hebei) in their place.
OTHER_CITY = {"聊城": "保定", "0635": "0312", "山东": "河北", "fw.lc.example": "fw.bd.example"}
TEXT_SUFFIXES = {".html", ".xml", ".json", ".js", ".css", ".svg", ".txt", ".webmanifest"}


def as_other_city(text: str) -> str:
    for old, new in OTHER_CITY.items():
        text = text.replace(old, new)
    return text


@pytest.fixture(scope="module")
def other_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("other-city")
    roster = copy_roster(tmp / "roster", SMALL)
    for path in roster.rglob("*.yaml"):
        path.write_text(as_other_city(path.read_text(encoding="utf-8")), encoding="utf-8")
    folder = project(tmp / "project", roster)  # mkdocs.yml as shipped: the roster names the site
    result = mkdocs_build(folder)
    assert result.returncode == 0, result.stderr
    return folder / "site"


@pytest.mark.slow  # over a second; the full run keeps the quick loop under 30 s
def test_no_page_names_another_city(other_site: Path) -> None:
    found = {}
    for path in sorted(other_site.rglob("*")):
        if path.suffix in TEXT_SUFFIXES:
            text = path.read_text(encoding="utf-8", errors="replace")
            hits = [word for word in OTHER_CITY if word in text]
            if hits:
                found[str(path.relative_to(other_site))] = hits
    assert found == {}


@pytest.mark.slow  # over a second; the full run keeps the quick loop under 30 s
def test_pages_name_the_roster_city(other_site: Path) -> None:
    home = (other_site / "index.html").read_text(encoding="utf-8")
    assert "<title>首页 - 保定市村居法律顾问</title>" in home and "0312-12348" in home
    assert '<meta property="og:site_name" content="保定市村居法律顾问">' in home
    guide = (other_site / "guides" / "lawyer" / "index.html").read_text(encoding="utf-8")
    assert "0312-12348" in guide
    village = next((other_site / "v").iterdir()) / "index.html"
    assert "0312-12348" in village.read_text(encoding="utf-8")
    stats = (other_site / "stats" / "index.html").read_text(encoding="utf-8")
    assert '<meta name="description" content="保定市村居法律顾问全覆盖统计' in stats
    legal_aid = (other_site / "guides" / "legal-aid" / "index.html").read_text(encoding="utf-8")
    assert "河北省人民政府" in legal_aid


HOSTILE = {
    "programme.yaml": ("name: 一乡镇一团队、一村居一顾问", "name: '[点我](javascript:alert(1))<img src=x onerror=alert(2)>'"),
    "counties.yaml": ("name: 东昌府区", "name: '东昌府区<script>alert(3)</script>*强调*'"),
}


@pytest.mark.slow  # real builds of a roster: the full run covers it
def test_roster_text_in_hand_written_pages_is_text(tmp_path: Path) -> None:
    roster = copy_roster(tmp_path / "roster", SMALL)
    for name, (old, new) in HOSTILE.items():
        path = roster / name
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    folder = project(tmp_path / "project", roster)
    result = mkdocs_build(folder)
    assert result.returncode == 0, result.stderr
    for url in ("index.html", "stats/index.html", "guides/index.html"):
        html = (folder / "site" / url).read_text(encoding="utf-8")
        assert "<script>alert" not in html
        assert 'href="javascript:' not in html and "<img src=x" not in html and "<em>强调</em>" not in html
    home = (folder / "site" / "index.html").read_text(encoding="utf-8")
    assert "&#91;点我&#93;&#40;javascript:alert&#40;1&#41;&#41;" in home  # shown as the text typed
