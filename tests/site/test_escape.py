"""Roster text lands as text in every format it is written into (generator/site/escape.py).

Each encoding is checked by reading its output back the way its reader would: Markdown through
the site's own Markdown extensions, JSON by parsing it, HTML by unescaping it.
"""

from __future__ import annotations

import html
import json

import markdown
import yaml
from markupsafe import Markup

from generator.site.escape import html_text, json_for_script, markdown_text
from tests.helpers import ROOT

#: Roster text that would be syntax if it were not escaped: links, HTML, emphasis, tables, headings, attr_list.
HOSTILE = ["[点我](javascript:alert(1))", "<script>alert(1)</script>", "*王*_庄_ `x`", "a | b", "# 标题",
           "{: onclick=alert(1) }", "&amp; \\ ~ = ! ' \""]


def site_markdown(text: str) -> str:
    """``text`` through Python-Markdown with the extensions mkdocs.yml configures."""
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)  # !ENV stays text
    extensions = [e if isinstance(e, str) else next(iter(e)) for e in config["markdown_extensions"]]
    return markdown.markdown(text, extensions=extensions)


def test_roster_text_in_markdown_reads_back_as_the_same_text() -> None:
    for value in HOSTILE:
        rendered = site_markdown(f"村名：{markdown_text(value)}")
        assert html.unescape(rendered) == f"<p>村名：{value}</p>", (value, rendered)
        assert "<a" not in rendered and "<script" not in rendered and "<em" not in rendered


def test_roster_text_cannot_start_a_new_markdown_block() -> None:
    value = "王芳\n\n# 假标题\r\n- 假列表\u2028x"
    rendered = site_markdown(f"顾问：{markdown_text(value)}")
    assert rendered.count("<p>") == 1 and "<h1" not in rendered and "<li" not in rendered


def test_nothing_prints_as_nothing_and_safe_html_passes_unchanged() -> None:
    assert markdown_text(None) == "" and isinstance(markdown_text(None), Markup)
    link = Markup('<a href="../v/1/">王庄</a>')
    assert markdown_text(link) is link
    assert markdown_text(0) == "0"


def test_html_text_escapes_for_html() -> None:
    value = '<img src=x onerror="alert(1)"> & 王庄'
    escaped = html_text(value)
    assert "<" not in escaped and '"' not in escaped and html.unescape(escaped) == value


def test_json_in_a_script_parses_back_and_never_closes_the_script() -> None:
    data = {"name": "</script><script>alert(1)</script><!--", "line": "a\u2028b\u2029c", "amp": "&", "村": ["王庄", 1]}
    text = json_for_script(data)
    assert json.loads(text) == data
    assert "</" not in text and "<!--" not in text and "\u2028" not in text and "\u2029" not in text


def test_json_in_a_script_is_compact_and_keeps_chinese_readable() -> None:
    """Every village page carries it (JSON-LD): no spaces, and 王庄 as three bytes a character, not \\u738b."""
    assert json_for_script({"name": "王庄", "n": [1, 2]}) == '{"name":"王庄","n":[1,2]}'
