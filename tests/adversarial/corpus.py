"""The standing adversarial corpus: hostile or careless inputs to every entry point, each with its expected end.

Each case writes its files, then runs one command line (``cli``) or one Python snippet (``py``)
in a fresh interpreter under a time and memory cap (tests/test_adversarial.py). A case passes when
the process ends by itself within the cap, with the expected exit code, without a traceback, and
with the expected words in what it printed. The causes are those of the reliability review:
unbounded work after parsing, tracebacks, and silent wrong answers.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

__all__ = ["CASES", "Case"]

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = (ROOT / "examples" / "minimal.yaml").read_text(encoding="utf-8")
SUPPLEMENT = (ROOT / "examples" / "supplement.yaml").read_text(encoding="utf-8")


@dataclasses.dataclass(frozen=True)
class Case:
    """One hostile input and how it must end."""

    id: str
    cause: str  # unbounded | traceback | silent
    files: dict[str, str | Callable[[], str]]
    cli: tuple[str, ...] = ()
    py: str = ""
    exit: tuple[int, ...] = (1,)
    says: tuple[str, ...] = ()


CASES: list[Case] = []


def case(
    id: str,
    cause: str,
    *,
    files: dict[str, str | Callable[[], str]] | None = None,
    cli: tuple[str, ...] = (),
    py: str = "",
    exit: int | tuple[int, ...] = 1,
    says: str | tuple[str, ...] = (),
) -> None:
    CASES.append(
        Case(
            id,
            cause,
            files or {},
            cli,
            py,
            (exit,) if isinstance(exit, int) else exit,
            (says,) if isinstance(says, str) else says,
        )
    )


def edit(old: str, new: str, text: str = MINIMAL) -> str:
    """The minimal example with one change (which must apply)."""
    assert old in text, old
    return text.replace(old, new, 1)


# ----------------------------------------------------------------------------------- unbounded work

NAMES = [f"undefined_role_number_{i}" for i in range(1000)]
MANY_ROLES = "\n".join(f"  defined_role_{i}: {{label: 角色{i}}}" for i in range(1000))


def _undefined(n: int, defined: bool) -> str:
    names = [f"undefined_role_number_{i}" for i in range(n)]
    text = MINIMAL.replace("roles:\n", "roles:\n" + MANY_ROLES + "\n", 1) if defined else MINIMAL
    return text.replace("members: [head, deputy_head, secretary_general]", "members: [" + ", ".join(names) + "]", 1)


case(
    "hints-1000-undefined",
    "unbounded",
    files={"r.yaml": lambda: _undefined(1000, False)},
    cli=("validate", "r.yaml"),
    says="未定义的角色",
)
case(
    "hints-1000x1000",
    "unbounded",
    files={"r.yaml": lambda: _undefined(1000, True)},
    cli=("validate", "r.yaml"),
    says="未定义的角色",
)
case(
    "hints-8000x1000",
    "unbounded",
    files={"r.yaml": lambda: _undefined(8000, True)},
    cli=("validate", "r.yaml"),
    says="未定义的角色",
)
case(
    "hints-check-1000x1000",
    "unbounded",
    files={"r.yaml": lambda: _undefined(1000, True)},
    cli=("check", "r.yaml"),
    exit=(1, 2),
    says="未定义的角色",
)


def _alias_string(copies: int, size: int = 900_000) -> str:
    big = "x" * size
    return edit(
        "  source: example.txt", "  source: example.txt\n  notes:\n    - &a " + big + "\n" + "    - *a\n" * copies
    )


for command in ("validate", "check", "show"):
    case(
        f"alias-long-string-{command}",
        "unbounded",
        files={"r.yaml": lambda: _alias_string(4000)},
        cli=(command, "r.yaml"),
        exit=(1, 2),
        says="个字符的文字",
    )
case(
    "alias-long-string-load",
    "unbounded",
    files={"r.yaml": lambda: _alias_string(4000)},
    py="govrule.load('r.yaml')",
    says="个字符的文字",
)
case(
    "alias-long-string-sign",
    "unbounded",
    files={"r.yaml": lambda: _alias_string(4000)},
    cli=("sign", "r.yaml", "--issuer", "government", "--kind", "request", "--recipient", "higher_government"),
    exit=(1, 2),
    says="个字符的文字",
)

LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join('*' + chr(97 + i) for _ in range(10))}]\n" for i in range(9)
)
case("billion-laughs-ruleset", "unbounded", files={"r.yaml": LAUGHS}, cli=("validate", "r.yaml"), says="别名")
case(
    "billion-laughs-calendar",
    "unbounded",
    files={"2031.yaml": "year: 2031\n" + LAUGHS},
    py="govrule.load_calendar_file('2031.yaml')",
    exit=(1,),
    says="2031.yaml",
)
case(
    "billion-laughs-fixture",
    "unbounded",
    files={"f.yaml": "ruleset: ezhou\n" + LAUGHS},
    cli=("test", "f.yaml"),
    exit=(1, 2),
    says="f.yaml",
)

DEEP = "[" * 5000 + "]" * 5000
case(
    "deep-brackets-ruleset",
    "unbounded",
    files={"r.yaml": "id: " + DEEP + "\n"},
    cli=("validate", "r.yaml"),
    says="嵌套",
)
case(
    "deep-brackets-calendar",
    "traceback",
    files={"2031.yaml": "year: 2031\nholidays: " + DEEP + "\n"},
    py="govrule.load_calendar_file('2031.yaml')",
    says="2031.yaml",
)
case(
    "deep-brackets-fixture",
    "unbounded",
    files={"f.yaml": "ruleset: ezhou\ncases: " + DEEP + "\n"},
    cli=("test", "f.yaml"),
    exit=(1, 2),
    says="f.yaml",
)
case(
    "oversize-ruleset",
    "unbounded",
    files={"r.yaml": lambda: "# " + "x" * (6 * 1024 * 1024) + "\n"},
    cli=("validate", "r.yaml"),
    says="字节",
)


def _complete_table(condition: str) -> str:
    return edit(
        "    hit_policy: first\n",
        "    hit_policy: first\n    complete: true\n",
    ).replace(
        "when: {issuer: government, kind: [request, report], recipient: higher_government}",
        "when: " + condition,
        1,
    )


case(
    "check-huge-count-range",
    "unbounded",
    files={"r.yaml": lambda: _complete_table("{portfolio_count: {lt: 1000000000000}}")},
    cli=("check", "r.yaml"),
    exit=(0, 1),
)
case(
    "check-huge-count-range-gte",
    "unbounded",
    files={"r.yaml": lambda: _complete_table("{portfolio_count: {gte: 999999999999}}")},
    cli=("check", "r.yaml"),
    exit=(0, 1),
)


def _product(n: int) -> str:
    counts = ", ".join(f"{{portfolio_count: {i}}}" for i in range(n))
    words = ", ".join(f"{{subject_matter: {{contains: w{i}}}}}" for i in range(n))
    return _complete_table(f"{{all: [{{any: [{counts}]}}, {{any: [{words}]}}]}}")


case(
    "check-product-condition",
    "unbounded",
    files={"r.yaml": lambda: _product(1000)},
    cli=("check", "r.yaml"),
    exit=(0, 1),
)


def _many_words(n: int) -> str:
    rules = "".join(
        f"      - id: sign.w{i}\n        cite: 二十（一）\n"
        "        text: 以市政府名义报省政府的请示、报告，由市长签发。\n"
        f"        when: {{subject_matter: {{contains: word{i}}}}}\n        steps:\n"
        "          - {action: sign, roles: [head]}\n"
        for i in range(n)
    )
    text = edit("    rules:\n", "    rules:\n" + rules)
    ids = ", ".join(f"sign.w{i}" for i in range(n))
    return text.replace("rules: [sign.to_province", f"rules: [{ids}, sign.to_province", 1)


case(
    "check-8000-distinct-words",
    "unbounded",
    files={"r.yaml": lambda: _many_words(8000)},
    cli=("check", "r.yaml"),
    exit=(0, 1),
)


def _headings(kind: str) -> str:
    unit = {
        "dun": "一、\n",
        "tiao-body": "第一条 内容\n",
        "chapter": "第一章 总则\n",
        "item": "（一）\n",
        "long": "第一条 " + "字" * 200 + "\n",
        "alternating": "二、\n一、\n",
        "numbered": "".join(f"第{n}条\n" for n in "一二三四五六七八九十"),
    }[kind]
    return (unit * (160_000 // len(unit) + 1))[:160_000]


for kind in ("dun", "tiao-body", "chapter", "item", "long", "alternating", "numbered"):
    case(
        f"scaffold-repeated-{kind}",
        "unbounded",
        files={"s.txt": lambda kind=kind: _headings(kind)},
        cli=("scaffold", "s.txt", "--id", "s"),
        exit=(0, 1),
    )
case(
    "scaffold-oversize",
    "unbounded",
    files={"s.txt": lambda: "第一条 字\n" * 400_000},
    cli=("scaffold", "s.txt", "--id", "s"),
    exit=(1, 2),
    says="最多读取",
)
case(
    "scaffold-long-repeated-copies",
    "unbounded",
    files={"s.txt": lambda: ("第一条 " + "字" * 200_000 + "\n") + ("第一条 " + "字" * 199_999 + "乙\n")},
    cli=("scaffold", "s.txt", "--id", "s"),
    exit=(0, 1),
)

# ----------------------------------------------------------------------------------- tracebacks

EZHOU_EVENT = ("deadline", "ezhou", "meeting_documents_issuance")
for day in ("9999-12-15", "9999-12-31", "0001-01-01", "1900-01-01"):
    case(f"deadline-from-{day}", "traceback", cli=(*EZHOU_EVENT, "--from", day), exit=(1, 2), says=("calendar",))
case(
    "deadline-back-from-0001",
    "traceback",
    cli=("deadline", "wuhai_hainan", "agenda_materials_submission", "--from", "0001-01-03"),
    exit=(1, 2),
    says="calendar",
)
case(
    "calendar-control-character",
    "traceback",
    files={"2031.yaml": "year: 2031\nname: a\x07b\n"},
    py="govrule.load_calendar_file('2031.yaml')",
    says="2031.yaml",
)
case(
    "calendar-nul",
    "traceback",
    files={"2031.yaml": "year: 2031\nname: a\x00b\n"},
    py="govrule.load_calendar_file('2031.yaml')",
    says="2031.yaml",
)
case(
    "calendar-not-utf8",
    "traceback",
    files={"2031.yaml": "year: 2031\nname: \udcff\n"},
    py="govrule.load_calendar_file('2031.yaml')",
    says="2031.yaml",
)
case("calendar-missing-file", "traceback", py="govrule.load_calendar_file('nope.yaml')", says="nope.yaml")
case(
    "calendar-year-float",
    "silent",
    files={"2031.yaml": "year: 2031.0\nholidays: [2031-01-01]\n"},
    py="govrule.load_calendar_file('2031.yaml')",
    says="2031.yaml",
)
case(
    "calendar-octal-day",
    "silent",
    files={"2031.yaml": "year: 2031\nholidays: [2031-01-010]\n"},
    py="govrule.load_calendar_file('2031.yaml')",
    says="2031.yaml",
)
case(
    "calendar-wrong-year-day",
    "silent",
    files={"2031.yaml": "year: 2031\nholidays: [2030-01-01]\n"},
    py="govrule.load_calendar_file('2031.yaml')",
    says="2031.yaml",
)
case(
    "condition-datetime",
    "traceback",
    files={"r.yaml": MINIMAL},
    py="""
import datetime as dt, yaml
from govrule import model
from govrule.engine import Ruleset
data = yaml.safe_load(open('r.yaml', encoding='utf-8'))
data['agenda'][0]['require'] = {'materials_submitted': {'lte': dt.datetime(2024, 5, 1, 10, 0)}}
rs = Ruleset(model.RulesetFile.model_validate(data))
rs.check_agenda({'kind': 'report', 'materials_submitted': '2024-05-01'}, 'executive', dt.date(2024, 5, 20))
""",
    exit=(1,),
    says=("date",),
)
case(
    "condition-datetime-yaml",
    "silent",
    files={"r.yaml": MINIMAL},
    py="""
import yaml
text = open('r.yaml', encoding='utf-8').read()
data = yaml.safe_load(text)
rule = data['agenda'][0]
rule['require'] = {'materials_submitted': {'lte': '2024-05-01T10:00:00'}}
open('r2.yaml', 'w', encoding='utf-8').write(yaml.safe_dump(data, allow_unicode=True))
print(govrule.validate('r2.yaml'))
raise SystemExit(1 if govrule.validate('r2.yaml') else 0)
""",
    exit=(1,),
    says="须为日期",
)
for arg in ("5", "'ezhou.yaml'", "[]", "object()"):
    case(f"load-calendar-{arg}", "traceback", py=f"govrule.load('ezhou', calendar={arg})", exit=(1,), says="calendar")
CAL_CALLS = [
    ("is_workday", "1.5"),
    ("is_workday", "'2024-05-01'"),
    ("is_workday", "None"),
    ("add_working_days", "dt.date(2024, 5, 1), 1.5"),
    ("add_working_days", "dt.date(2024, 5, 1), '3'"),
    ("add_working_days", "'2024-05-01', 3"),
    ("add_working_days", "dt.date(2024, 5, 1), True"),
    ("add_period", "dt.date(2024, 5, 1), 3, None"),
    ("add_period", "dt.date(2024, 5, 1), 3, 'weeks'"),
    ("add_period", "dt.date(2024, 5, 1), -3, 'calendar_days'"),
    ("add_period", "dt.date(9999, 12, 1), 5, 'months'"),
    ("add_period", "dt.date(9999, 12, 1), 5, 'years'"),
    ("add_period", "dt.date(2024, 5, 1), 10**12, 'calendar_days'"),
    ("add_working_days", "dt.date(2024, 5, 1), 10**9"),
]
for method, args in CAL_CALLS:
    case(
        f"workcalendar-{method}({args})",
        "traceback",
        py=f"import datetime as dt\nprint(govrule.default_calendar().{method}({args}))",
        exit=(0, 1),
    )
case("replace-bad-value", "traceback", py="govrule.Document(issuer='government')._replace(major='yes')", says="major")
case(
    "replace-unknown-field", "traceback", py="govrule.Document(issuer='government')._replace(mayor=True)", says="mayor"
)
for depth in (400, 10_000):
    case(
        f"in-memory-not-{depth}-deep",
        "traceback",
        py=f"""
import yaml, pydantic
from govrule import model
from govrule.engine import Ruleset
data = yaml.safe_load(open({str(ROOT / "examples" / "minimal.yaml")!r}, encoding='utf-8'))
cond = {{'issuer': 'government'}}
for _ in range({depth}):
    cond = {{'not': cond}}
data['signing'][0]['rules'][0]['when'] = cond
try:
    model.RulesetFile.model_validate(data)
except pydantic.ValidationError as exc:
    print(exc.errors()[0]['msg'])
    raise SystemExit(1)
""",
        says="条件嵌套超过",
    )

# ----------------------------------------------------------------------------------- silent wrong answers

for name, old, new, words in [
    ("amount-true", "    amount: 5\n", "    amount: true\n", "应为整数"),
    ("amount-octal", "    amount: 5\n", "    amount: 010\n", "有歧义"),
    ("amount-sexagesimal", "    amount: 5\n", "    amount: 1:30\n", "有歧义"),
    ("amount-string", "    amount: 5\n", "    amount: '5'\n", "应为整数"),
    ("amount-float", "    amount: 5\n", "    amount: 5.0\n", "应为整数"),
    ("amount-hex", "    amount: 5\n", "    amount: 0x5\n", "有歧义"),
    ("amount-underscore", "    amount: 5\n", "    amount: 1_0\n", "有歧义"),
    ("effective-zero", "  effective: 2024-01-15\n", "  effective: 0\n", "日期"),
    ("effective-unix-time", "  effective: 2024-01-15\n", "  effective: 1704067200\n", "日期"),
    ("effective-datetime", "  effective: 2024-01-15\n", "  effective: 2024-01-15T08:00:00\n", "日期"),
    ("effective-compact", "  effective: 2024-01-15\n", "  effective: '20240115'\n", "日期"),
    ("back-yes", "    amount: 5\n", "    amount: 5\n    back: yes\n", "true 或 false"),
    ("bool-on", "    amount: 5\n", "    amount: 5\n    silence_means_consent: on\n", "true 或 false"),
    (
        "role-key-on",
        "  head: {label: 市长, aliases: [市長]}\n",
        "  head: {label: 市长, aliases: [市長]}\n  on: {label: 开}\n",
        "",
    ),
    (
        "labels-differ-only-in-script",
        "  secretary_general: {label: 秘书长, aliases: [秘書長]}\n",
        "  secretary_general: {label: 秘书长, aliases: [秘書長]}\n  other_head: {label: 市長}\n",
        "简繁两种写法",
    ),
]:
    expect = 0 if not words else 1
    case(
        f"value-{name}",
        "silent",
        files={"r.yaml": edit(old, new)},
        cli=("validate", "r.yaml"),
        exit=expect,
        says=words or (),
    )

case(
    "role-key-on-is-a-role-named-on",
    "silent",
    files={
        "r.yaml": edit(
            "  head: {label: 市长, aliases: [市長]}\n", "  head: {label: 市长, aliases: [市長]}\n  on: {label: 开}\n"
        )
    },
    py="rs = govrule.load('r.yaml')\nassert 'on' in rs.roles and 'true' not in rs.roles, rs.roles\nprint('ok')",
    exit=0,
    says="ok",
)
case(
    "meetings-differ-only-in-script",
    "silent",
    files={
        "r.yaml": edit(
            "    aliases: [常务会议]\n",
            "    aliases: [常务会议]\n  plenary:\n"
            "    id: meeting.plenary\n    cite: 十\n"
            "    text: 市政府常务会议由市长、副市长、秘书长组成，由市长召集和主持。\n"
            "    label: 常務會議\n",
        )
    },
    cli=("validate", "r.yaml"),
    says="简繁两种写法",
)
case(
    "abolished-before-effective",
    "silent",
    files={"r.yaml": edit("  status: in_force\n", "  abolished: 2023-01-01\n  status: in_force\n")},
    cli=("check", "r.yaml"),
    exit=(1,),
    says="abolished",
)
case(
    "lead-time-from-unlimited-event",
    "silent",
    files={
        "r.yaml": edit(
            "    require: {consulted: true}\n",
            "    require: {consulted: true, materials_submitted: {on_or_before_deadline: "
            "agenda_materials_submission}}\n",
        )
    },
    cli=("check", "r.yaml"),
    exit=(1,),
    says="agenda_materials_submission",
)


def _supplement_by_title() -> str:
    return edit("supplements: {number: 示政发〔2024〕1号, title:", "supplements: {title:", SUPPLEMENT)


case(
    "supplement-names-base-by-title",
    "silent",
    files={"s.yaml": lambda: _supplement_by_title()},
    cli=("check", "s.yaml"),
    exit=(1,),
    says="number",
)


case(
    "supplement-alone-answers-nothing",
    "silent",
    cli=(
        "sign",
        "panjin_supplement",
        "--issuer",
        "government",
        "--kind",
        "request",
        "--recipient",
        "higher_government",
    ),
    exit=(1,),
    says="补充规定",
)
case(
    "supplement-alone-api",
    "silent",
    py="""
rs = govrule.load('panjin_supplement')
rs.who_must_sign({'issuer': 'government', 'kind': 'request', 'recipient': 'higher_government'})
""",
    exit=(1,),
    says="supplement",
)
for value in ("20240520", "2024-W21-1", "2024-5-20", "2024/05/20", "tomorrow", "2024-02-30"):
    case(f"cli-from-{value}", "silent", cli=(*EZHOU_EVENT, "--from", value), exit=2, says="YYYY-MM-DD")
for expr, words in [
    ("govrule.AgendaItem(materials_submitted='20240501')", "materials_submitted"),
    ("govrule.AgendaItem(materials_submitted='2024-W18-3')", "materials_submitted"),
    ("govrule.Document(issuer='government', portfolios={'教育': 1})", "portfolios"),
    ("govrule.Document(issuer='government', major='yes')", "major"),
    ("govrule.Document(issuer='government', major=1)", "major"),
    ("govrule.AgendaItem(consulted=1)", "consulted"),
    ("govrule.AgendaItem(consulted='true')", "consulted"),
    ("govrule.AgendaItem(procedures_done='expert_review')", "procedures_done"),
    ("govrule.Document(issuer='govt')", "issuer"),
    ("govrule.Document(issuer='government', portfolios='教育')", "portfolios"),
]:
    case(f"input-{expr}", "silent", py=expr, exit=1, says=words)
for flag, value in [("--major", "yes"), ("--major", "1"), ("--important", "maybe")]:
    case(
        f"cli-sign-{flag}-{value}",
        "silent",
        cli=(
            "sign",
            "ezhou",
            "--issuer",
            "government",
            "--kind",
            "request",
            "--recipient",
            "higher_government",
            flag,
            value,
        ),
        exit=2,
    )
for flag, value in [("--consulted", "1"), ("--consulted", "yes"), ("--materials-submitted", "20240501")]:
    case(
        f"cli-agenda-{flag}-{value}",
        "silent",
        cli=("agenda", "ezhou", "--meeting", "executive", "--kind", "report", flag, value),
        exit=2,
    )
case(
    "input-file-major-yes",
    "silent",
    files={"q.json": '{"issuer": "government", "kind": "request", "recipient": "higher_government", "major": "yes"}'},
    cli=("sign", "ezhou", "--input", "q.json"),
    exit=2,
    says="major",
)
case(
    "input-file-consulted-1",
    "silent",
    files={"q.json": '{"meeting": "executive", "kind": "report", "involves_other_departments": true, "consulted": 1}'},
    cli=("agenda", "ezhou", "--input", "q.json"),
    exit=2,
    says="consulted",
)
case(
    "fixture-major-yes",
    "silent",
    files={
        "f.yaml": "ruleset: ezhou\ncases:\n  - name: x\n    query: who_must_sign\n"
        "    input: {issuer: government, kind: request, recipient: higher_government, major: yes}\n"
        "    expect: {signers: [head]}\n"
    },
    cli=("test", "f.yaml"),
    exit=(1, 2),
    says="major",
)
case(
    "diff-on-important",
    "silent",
    files={
        "a.yaml": edit(
            "        when: {issuer: government, kind: [request, report], recipient: higher_government}\n",
            "        when: {issuer: government, kind: [request, report], recipient: higher_government, "
            "important: true}\n",
        ),
        "b.yaml": MINIMAL,
    },
    cli=("diff", "a.yaml", "b.yaml"),
    exit=1,
)
case(
    "cache-same-size-same-mtime",
    "silent",
    files={"r.yaml": MINIMAL},
    py="""
import os
rs = govrule.load('r.yaml')
st = os.stat('r.yaml')
text = open('r.yaml', encoding='utf-8').read().replace('示例市人民政府工作规则', '示例县人民政府工作规则')
open('r.yaml', 'w', encoding='utf-8').write(text)
os.utime('r.yaml', ns=(st.st_atime_ns, st.st_mtime_ns))
assert os.stat('r.yaml').st_size == st.st_size
print(govrule.load('r.yaml').meta.title)
""",
    exit=0,
    says="示例县",
)
case("load-missing-file", "traceback", py="govrule.load('nonexist.yaml')", exit=1, says="nonexist.yaml")
case("cli-unknown-ruleset", "traceback", cli=("sign", "nonexist", "--issuer", "government"), exit=2)
case("cli-missing-file-validate", "traceback", cli=("validate", "nonexist.yaml"), exit=2)
case("cli-missing-file-check", "traceback", cli=("check", "nonexist.yaml"), exit=2)
case("cli-missing-file-test", "traceback", cli=("test", "nonexist.yaml"), exit=2)
case(
    "cli-test-on-a-ruleset",
    "traceback",
    cli=("test", str(ROOT / "examples" / "minimal.yaml")),
    exit=(1, 2),
    says="是规则集文件",
)
case("cli-validate-bundled-id", "traceback", cli=("validate", "ezhou"), exit=0)
case("cli-unknown-role-label", "traceback", cli=("leave", "ezhou", "皇帝"), exit=2, says="皇帝")
case(
    "cli-quorum-negative",
    "traceback",
    cli=("quorum", "rizhao", "executive", "--present", "-1", "--total", "10"),
    exit=2,
)
case(
    "cli-quorum-present-above-total",
    "traceback",
    cli=("quorum", "rizhao", "executive", "--present", "11", "--total", "10"),
    exit=2,
)
case(
    "cli-bad-json-input", "traceback", files={"q.json": "{not json"}, cli=("sign", "ezhou", "--input", "q.json"), exit=2
)
case(
    "cli-input-not-object", "traceback", files={"q.json": "[1, 2]"}, cli=("sign", "ezhou", "--input", "q.json"), exit=2
)
case(
    "yaml-tab-indent",
    "traceback",
    files={"r.yaml": "id: x\n\tkind: base\n"},
    cli=("validate", "r.yaml"),
    says="r.yaml:",
)
case("yaml-not-utf8", "traceback", files={"r.yaml": "id: \udcff\n"}, cli=("validate", "r.yaml"), says="UTF-8")
case("yaml-empty", "traceback", files={"r.yaml": ""}, cli=("validate", "r.yaml"), says="空的")
case("yaml-list-top", "traceback", files={"r.yaml": "- a\n- b\n"}, cli=("validate", "r.yaml"), says="映射")
case(
    "yaml-python-tag",
    "traceback",
    files={"r.yaml": "id: !!python/object:os.system ls\n"},
    cli=("validate", "r.yaml"),
    says="标签",
)
case(
    "yaml-merge-key",
    "traceback",
    files={"r.yaml": "a: &a {x: 1}\nb:\n  <<: *a\n"},
    cli=("validate", "r.yaml"),
    says="合并键",
)
case(
    "yaml-duplicate-key",
    "silent",
    files={"r.yaml": edit("kind: base\n", "kind: base\nkind: supplement\n")},
    cli=("validate", "r.yaml"),
    says="重复的键",
)
case(
    "check-supersession-cycle",
    "silent",
    files={
        "a.yaml": edit("  status: in_force\n", "  status: in_force\n  supersedes:\n    - {number: 示政发〔2024〕1号}\n")
    },
    cli=("check", "a.yaml"),
    exit=(1,),
    says="废止了自身",
)
