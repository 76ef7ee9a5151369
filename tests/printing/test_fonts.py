"""Cards are not printed with fonts that cannot draw them: a runner with no Chinese font is refused."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from generator.printing.fonts import FontMissing, check_fonts, installed_coverage, printed_characters, uncovered
from tests.helpers import ROOT
from tests.helpers.roster_edit import SMALL

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


def only_dejavu(tmp_path: Path) -> Path:
    """A fontconfig configuration that sees only the DejaVu fonts, as a runner without a CJK font has."""
    conf = tmp_path / "fonts.conf"
    conf.write_text(f"""<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <dir>{DEJAVU}</dir>
  <cachedir>{tmp_path / "fontconfig-cache"}</cachedir>
</fontconfig>
""", encoding="utf-8")
    return conf


def test_the_printed_text_is_the_text_not_the_markup() -> None:
    page = ('<html><head><style>.card{font-family:"Noto Sans CJK SC"}</style><script>var 隐 = 1;</script></head>'
            '<body><!-- 注释 --><p class="x" title="标题">王庄&nbsp;村&amp;</p><svg aria-label="码"><path d="M0 0"/></svg>'
            '</body></html>')
    assert printed_characters([page]) == {"王", "庄", "村", "&"}  # the no-break space is blank


def test_uncovered_characters_against_ranges() -> None:
    coverage = [(0x20, 0x7E), (0x4E00, 0x4E0F)]
    assert uncovered({"a", "一", "丐", "王", "\u00e9"}, coverage) == ["é", "丐", "王"]  # U+4E10 丐 is just past the range
    assert uncovered({"a"}, []) == ["a"]


def test_the_installed_fonts_cover_the_cards() -> None:
    """This machine has fonts-noto-cjk (tests/setup.sh): the check lets the cards through."""
    assert uncovered({"聊", "城", "堌", "堆"}, installed_coverage()) == []
    check_fonts(["<p>聊城市东昌府区古楼街道堌堆村委会 法律顾问 0635-12348</p>"])


@pytest.mark.skipif(not DEJAVU.is_dir(), reason="needs fonts-dejavu-core, which Debian installs with fontconfig")
def test_cards_refuse_to_print_boxes_with_only_dejavu(tmp_path: Path) -> None:
    """With a fontconfig that sees only DejaVu (a fresh runner before the workflow installs
    fonts-noto-cjk), cards says so in one line, exit 1, and writes nothing."""
    out = tmp_path / "cards.pdf"
    env = {"FONTCONFIG_FILE": str(only_dejavu(tmp_path)), "LANGUAGE": "zh", "PATH": "/usr/bin:/bin"}
    r = subprocess.run([sys.executable, "-m", "generator", "cards", "--data", str(SMALL), "--township", "371502001",
                        "-o", str(out)], capture_output=True, text=True, cwd=ROOT, env=env)
    assert r.returncode == 1, r.stdout + r.stderr
    (line,) = r.stderr.splitlines()
    assert line.startswith("错误：已安装的字体里没有服务卡上的 ") and "apt-get install fonts-noto-cjk" in line
    assert "聊" in line or "古" in line
    assert not out.exists()


def test_the_check_raises_for_a_character_no_font_has(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FONTCONFIG_FILE", str(only_dejavu(tmp_path)))
    with pytest.raises(FontMissing, match=r"^no installed font has 2 characters the cards print \(古楼\)"):
        check_fonts(["<p>Gulou 古楼</p>"])
    check_fonts(["<p>Gulou 12348</p>"])  # DejaVu has Latin letters and digits
