"""Write the documentation that the code states, so that it is never typed twice:

- ``docs/roster-reference.md``: the roster's files, records and fields from ``generator/core/schema.py``
  (with the Excel columns of ``generator/workbook/sheets.py``), its limits, and the problem codes of
  ``generator/core/problems.py``;
- the module table of ``DESIGN.md`` (between its ``<!-- modules -->`` markers), from each module's
  docstring.

    python3 scripts/make_docs.py          # write them
    python3 scripts/make_docs.py --check  # exit 1, naming each file that differs (tests/test_docs.py)
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path
from typing import assert_never

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.core import schema  # noqa: E402
from generator.core.model import (  # noqa: E402
    COUNTY_KIND_NAMES,
    ORGANIZATION_KIND_NAMES,
    RETIREMENT_KIND_NAMES,
    RETIREMENT_SUCCESSORS,
    ROLE_NAMES,
)
from generator.core.problems import CODES  # noqa: E402
from generator.core.schema import (  # noqa: E402
    Choice,
    Code,
    Count,
    Field,
    Flag,
    Id,
    IdCard,
    Kind,
    Phone,
    Record,
    Records,
    Ref,
    Refs,
    Text,
    Url,
)
from generator.roster.load import MAX_DEPTH, MAX_FILE_BYTES, MAX_NUMBER_TEXT  # noqa: E402
from generator.roster.validate import MAX_CHAIN, MAX_ID, MAX_TEXT  # noqa: E402
from generator.workbook.sheets import SHEETS  # noqa: E402

REFERENCE = ROOT / "docs" / "roster-reference.md"
DESIGN = ROOT / "DESIGN.md"
MODULES_START, MODULES_END = "<!-- modules: made by scripts/make_docs.py from the docstrings -->", "<!-- /modules -->"

#: What each record is called, in the staff's words and the code's (labels: the facts are the schema's).
RECORD_TITLES: dict[str, str] = {
    "programme": "项目设置 programme",
    "cities-file": "城市文件 cities file",
    "city": "城市 city",
    "counties-file": "县级单位文件 counties file",
    "county": "县级单位 county-level unit",
    "centre": "公共法律服务中心 centre",
    "organizations-file": "机构文件 organizations file",
    "organization": "机构 organization",
    "advisors-file": "顾问文件 advisors file",
    "advisor": "法律顾问 advisor",
    "township-file": "乡镇文件 township file",
    "township": "乡镇（街道） township",
    "workstation": "法律服务工作站 workstation",
    "village": "村居（社区） village",
    "retired-file": "撤销记录文件 retired file",
    "retired-village": "撤销的村居 retired village",
    "retired-township": "撤销的乡镇 retired township",
}
WHAT = {"city": "城市", "county": "县级单位", "township": "乡镇", "village": "村居"}
WORDS = {**COUNTY_KIND_NAMES, **ROLE_NAMES, **ORGANIZATION_KIND_NAMES, **RETIREMENT_KIND_NAMES,
         "error": "错误", "warning": "警告"}


def anchor(record: str) -> str:
    return f"#{record}"


def kind_text(kind: Kind) -> str:
    """A field's kind, as staff read it."""
    match kind:
        case Text():
            return "文字 text"
        case Id():
            return f"编号：字母、数字、`-`、`_`，至多 {MAX_ID} 个 (id)"
        case Code(digits=digits, what=what):
            return f"{digits} 位{WHAT.get(what, what)}代码，只用数字 0-9 ({what} code)"
        case Phone():
            return "电话：手机、带区号的固话（0635-8888888）或服务号码（12348） (phone)"
        case Url():
            return "网址：`http://` 或 `https://` 开头 (URL)"
        case IdCard():
            return "18 位身份证号，校验位正确 (ID-card number)"
        case Choice(options=options):
            return "其中之一 one of: " + "、".join(f"`{o}`" + (f" {WORDS[o]}" if o in WORDS else "") for o in options)
        case Flag():
            return "`true` 或 `false` (yes/no)"
        case Count(low=low, high=high):
            return f"整数，{low}–{high} (a whole number from {low} to {high})"
        case Ref(target=target):
            return f"一个{title(target)}的{key_name(target)} (a {target} reference)"
        case Refs(target=target):
            return f"{title(target)}的{key_name(target)}列表 (a list of {target} references)"
        case Record(name=name):
            return f"见 [{title(name)}]({anchor(name)})"
        case Records(name=name):
            return f"列表，每项见 [{title(name)}]({anchor(name)})"
        case _:
            assert_never(kind)


def title(record: str) -> str:
    return RECORD_TITLES[record].split(" ")[0]


def key_name(record: str) -> str:
    key = next((f for f in schema.fields(record).values() if f.key), None)
    return f"`{key.name}`" if key else "?"


def excel_headers() -> dict[tuple[str, str], str]:
    """(record, field) → the workbook's column header, where the workbook has one."""
    headers: dict[tuple[str, str], str] = {}
    for sheet in SHEETS:
        for column in sheet.columns:
            name = column.path.rsplit(".", 1)[-1]
            if name in schema.fields(column.record):
                headers.setdefault((column.record, name), f"{sheet.title}：{column.header}")
    return headers


def field_row(record: str, field: Field, headers: dict[tuple[str, str], str]) -> str:
    required = "必填" if field.required else "可不填"
    shown = "**不公开 private**" if field.private else "公开"
    key = "（键 key）" if field.key else ""
    excel = headers.get((record, field.name), "")
    return f"| `{field.name}`{key} | {kind_text(field.kind)} | {required} | {shown} | {excel} |"


def records_in_order() -> list[str]:
    """Every record type, each after the record that holds it (files first, in roster order)."""
    files = [*schema.ROSTER_FILES.values(), *schema.OPTIONAL_FILES.values(), schema.TOWNSHIP_FILE]
    order: list[str] = []

    def visit(record: str) -> None:
        if record in order:
            return
        order.append(record)
        for f in schema.fields(record).values():
            if isinstance(f.kind, (Record, Records)):
                visit(f.kind.name)

    for record in files:
        visit(record)
    missing = set(schema.RECORDS) - set(order)
    assert not missing, f"records no file holds: {missing}"
    return order


def reference() -> str:
    headers = excel_headers()
    out = [
        "# 名册参考 · Roster reference",
        "",
        "<!-- Generated by `python3 scripts/make_docs.py` from generator/core/schema.py and "
        "generator/core/problems.py: do not edit by hand. -->",
        "",
        "名册（`data/`）里每个文件、每条记录、每个字段和每个问题代码。本页由 `python3 scripts/make_docs.py` 根据代码生成"
        "（字段来自 `generator/core/schema.py`，问题代码来自 `generator/core/problems.py`），不要手改。"
        "怎样修改名册，见[员工手册](staff-handbook.md)。",
        "",
        "Every file, record, field and problem code of the roster (`data/`), generated from the code by "
        "`python3 scripts/make_docs.py`: do not edit by hand. How to edit the roster: the "
        "[staff handbook](staff-handbook.md).",
        "",
        "## 文件 · Files",
        "",
        "| 文件 file | 内容 holds | |",
        "|---|---|---|",
    ]
    for file, record in schema.ROSTER_FILES.items():
        out.append(f"| `{file}` | [{title(record)}]({anchor(record)}) | 必需 required |")
    for file, record in schema.OPTIONAL_FILES.items():
        out.append(f"| `{file}` | [{title(record)}]({anchor(record)}) | 可没有 optional |")
    out.append(f"| `{schema.REGIONS_DIR}/<单位 unit>/<乡镇代码>-<名称>.yaml` | "
               f"[{title(schema.TOWNSHIP_FILE)}]({anchor(schema.TOWNSHIP_FILE)})：每个乡镇一个文件 one per township | 必需 required |")
    out += [
        "",
        "每个值都可以加引号；代码、编号、电话请加引号（`'0635-8210001'`），不加引号的数字也接受。"
        "文件存为 UTF-8。Quote codes, ids and phones; save files as UTF-8.",
        "",
        "## 记录与字段 · Records and fields",
        "",
        "“公开”的字段会出现在网站、搜索、统计和服务卡上；“不公开”的字段只做检查，从不进入网站，出错时也不显示它的值。"
        "Excel 列是 `python -m generator export` 写出的工作表和列名。",
        "Published fields reach the site, search, statistics and cards; private ones are checked and never "
        "published, nor repeated in a message. The Excel column is the sheet and header `export` writes.",
    ]
    for record in records_in_order():
        out += [
            "",
            f'<a id="{record}"></a>',
            "",
            f"### {RECORD_TITLES[record]}",
            "",
            "| 字段 field | 类型 kind | | | Excel |",
            "|---|---|---|---|---|",
        ]
        out += [field_row(record, f, headers) for f in schema.fields(record).values()]
    out += [
        "",
        "## 撤销的类别 · Kinds of retirement",
        "",
        "| `kind` | | 接替代码 successors |",
        "|---|---|---|",
    ]
    for kind, (least, most) in RETIREMENT_SUCCESSORS.items():
        count = f"{least}" if least == most else f"至少 {least} at least {least}"
        out.append(f"| `{kind}` | {RETIREMENT_KIND_NAMES[kind]} | {count} |")
    out += [
        "",
        f"接替代码本身也可以是已撤销的代码（顺着链条找到今天的村居，最多经过 {MAX_CHAIN} 次撤销）。"
        f"A successor may itself be retired: the chain is followed, through at most {MAX_CHAIN} retirements.",
        "",
        "## 限制 · Limits",
        "",
        "| 限制 limit | 值 value | 代码 code |",
        "|---|---|---|",
        f"| 一个名册文件的大小 size of one file | {MAX_FILE_BYTES // (1024 * 1024)} MB | `too-large` |",
        f"| 一个文件里的嵌套层数 nesting in one file | {MAX_DEPTH} | `too-deep` |",
        "| YAML 锚点和别名（`&`、`*`） anchors and aliases | 不允许 refused | `yaml-alias` |",
        f"| 编号或引用的长度 an id or reference | {MAX_ID} 个字符 characters | `too-large` |",
        f"| 其他文字的长度 any other text | {MAX_TEXT} 个字符 characters（超过 {MAX_NUMBER_TEXT} 个字符的值不当作数字 "
        f"longer than {MAX_NUMBER_TEXT}: never read as a number） | `too-large` |",
        "| 文字里的字符 characters in text | 不能有看不见的字符：控制字符、格式字符（零宽、方向标记、BOM……）、填充字符、盲文空白、"
        "变体选择符 no control, format, filler, Braille-blank or variation-selector character | `bad-text` |",
        "| 读起来一样的名称 names that read the same | 同一乡镇的村居、同一县级单位的乡镇和机构、同一城市的县级单位、城市之间不能重复；"
        "别处两种写法给警告 unique where records are told apart by name; two spellings elsewhere a warning "
        "| `duplicate-name`, `look-alike-name` |",
        "| 数字 numbers | 见上面的字段 see each field above | `out-of-range` |",
        "| 网址里的端口 a port in a URL | 1–65535 | `bad-url` |",
        f"| 撤销链条 a chain of retirements | {MAX_CHAIN} 次 retirements | `bad-successors` |",
        "| 链接 links | 不能指向名册文件夹外面 none out of the roster folder | `outside-roster` |",
        "",
        "## 问题代码 · Problem codes",
        "",
        "`python -m generator validate` 的每一行以这些代码之一结尾；怎样看错误、怎样改，见"
        "[员工手册](staff-handbook.md#错误怎么看)。Each line `validate` prints ends with one of these codes.",
        "",
        "| 代码 code | 说明 meaning |",
        "|---|---|",
    ]
    out += [f"| `{code}` | {text} |" for code, text in CODES.items()]
    return "\n".join(out) + "\n"


def summary(path: Path) -> str:
    """A module's docstring, its first sentence, with reST's roles shown as code."""
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    para = " ".join(doc.split("\n\n")[0].split())
    first = re.split(r"(?<=\.)\s", para)[0]
    return re.sub(r":\w+:`([^`]+)`", r"`\1`", first).replace("``", "`")


def module_table() -> str:
    package = ROOT / "generator"
    rows = ["| wing | module | what it is (its docstring) |", "|---|---|---|"]
    front = sorted(p for p in package.glob("*.py"))
    rows += [f"| front end | `{p.name}` | {summary(p)} |" for p in front]
    for wing in sorted((p for p in package.iterdir() if (p / "__init__.py").is_file()), key=wing_order):
        for p in sorted(wing.glob("*.py"), key=lambda p: (p.name != "__init__.py", p.name)):
            name = f"{wing.name}/" if p.name == "__init__.py" else f"{wing.name}/{p.name}"
            rows.append(f"| {wing.name if p.name == '__init__.py' else ''} | `{name}` | {summary(p)} |")
    return "\n".join([MODULES_START, *rows, MODULES_END])


def wing_order(path: Path) -> int:
    """Wings from the ground up, as data flows (the order DESIGN.md tells them)."""
    order = ["core", "roster", "site", "printing", "changes", "workbook", "build"]
    return order.index(path.name) if path.name in order else len(order)


def design() -> str:
    text = DESIGN.read_text(encoding="utf-8")
    start, end = text.index(MODULES_START), text.index(MODULES_END) + len(MODULES_END)
    return text[:start] + module_table() + text[end:]


def main(argv: list[str]) -> int:
    made = {REFERENCE: reference(), DESIGN: design()}
    if argv == ["--check"]:
        stale = [str(p.relative_to(ROOT) if p.is_relative_to(ROOT) else p) for p, text in made.items()
                 if not p.is_file() or p.read_text(encoding="utf-8") != text]
        for name in stale:
            print(f"{name} differs from what the code says: run python3 scripts/make_docs.py", file=sys.stderr)
        return 1 if stale else 0
    if argv:
        print(__doc__, file=sys.stderr)
        return 2
    for path, text in made.items():
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
