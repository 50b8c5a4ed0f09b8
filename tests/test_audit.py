"""govrule audit: record reading, judgement, chunked evaluation, file formats, the command and its reports."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

import govrule  # noqa: E402
from govrule.audit import records, report, run, synth  # noqa: E402
from govrule.audit.batch import FINDINGS_SCHEMA, Auditor  # noqa: E402
from govrule.audit.ids import SeenIds, repeats  # noqa: E402
from govrule.audit.io import read_archive  # noqa: E402
from govrule.audit.judge import Versions  # noqa: E402
from govrule.audit.progress import Progress  # noqa: E402
from govrule.cli import main  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

# A small ruleset of our own, so these tests do not move when a bundled ruleset is re-read.
CITY = """\
id: audit_city
kind: base
meta:
  title: 审计示例市人民政府工作规则
  number: 审政发〔2020〕1号
  jurisdiction: 审计示例市
  level: city
  effective: 2020-01-01
  status: in_force
  source: audit_city.txt
roles:
  head: {label: 市长, aliases: [市長]}
  executive_deputy_head: {label: 常务副市长}
  deputy_head: {label: 副市长}
  deputy_head_in_charge: {label: 分管副市长, kind: relational}
  secretary_general: {label: 秘书长, aliases: [秘書長]}
  office_director: {label: 办公室主任}
meetings:
  executive:
    id: meeting.executive
    cite: 十
    text: 市政府常务会议由市长、副市长、秘书长组成，由市长召集和主持。
    label: 市政府常务会议
    aliases: [常务会议]
    members: [head, deputy_head, secretary_general]
    convener: [head]
    chair: [head]
signing:
  - id: signing
    hit_policy: first
    rules:
      - id: sign.to_province
        cite: 二十（一）
        text: 以市政府名义报省政府的请示、报告，由市长签发。
        when: {issuer: government, kind: [request, report], recipient: higher_government}
        steps:
          - {action: sign, roles: [head]}
      - id: sign.major
        cite: 二十（二）
        text: 涉及重大事项的公文，经秘书长审核后由市长签发。
        when: {issuer: government, major: true}
        steps:
          - {action: review, roles: [secretary_general]}
          - {action: sign, roles: [head]}
      - id: sign.multi
        cite: 二十（三）
        text: 涉及两位以上副市长分管工作的，经有关副市长会签后，由市长或常务副市长签发。
        when: {issuer: government, recipient: subordinate, portfolio_count: {gte: 2}}
        steps:
          - {action: cosign, roles: [deputy_head_in_charge]}
          - {action: sign, roles: [head, executive_deputy_head]}
      - id: sign.decided
        cite: 二十（四）
        text: 经常务会议决定的事项，由市长或市长授权副市长签发。
        when: {issuer: government, recipient: subordinate, decided_by: {known: true, eq: executive}}
        steps:
          - {action: sign, roles: [head, deputy_head], authorized_by: head}
      - id: sign.single
        cite: 二十（五）
        text: 以市政府名义下发的其他公文，由分管副市长签发。
        when: {issuer: government, recipient: subordinate}
        steps:
          - {action: sign, roles: [deputy_head_in_charge]}
agenda:
  - id: agenda.consulted
    cite: 十一
    text: 凡事先未经协商、征求意见的议题，不予安排。
    meetings: [executive]
    when: {involves_other_departments: true}
    require: {consulted: true}
    message: 议题涉及其他部门，须事先协商、征求意见
deadlines:
  - id: deadline.meeting_documents
    cite: 十二
    text: 会议决定印发的文件，须在会议结束后5个工作日内印发。
    event: meeting_documents_issuance
    amount: 5
    unit: working_days
coverage:
  - {article: 十, status: encoded, rules: [meeting.executive]}
  - {article: 十一, status: encoded, rules: [agenda.consulted]}
  - {article: 十二, status: encoded, rules: [deadline.meeting_documents]}
  - {article: 二十, status: encoded, rules: [sign.to_province, sign.major, sign.multi, sign.decided, sign.single]}
"""

TO_PROVINCE = {"issuer": "government", "kind": "request", "recipient": "higher_government"}
KNOWN = {"major": False, "important": False, "broad_scope": False, "routine_approval": False, "entrusted": False}


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> govrule.Ruleset:
    path = tmp_path_factory.mktemp("audit") / "audit_city.yaml"
    path.write_text(CITY, encoding="utf-8")
    return govrule.load(str(path))


def findings(ruleset: object, rows: list[dict[str, object]], **kw: object) -> list[dict[str, object]]:
    table = run.audit_table(ruleset, rows, **kw)  # type: ignore[arg-type]
    assert table.schema == FINDINGS_SCHEMA
    return table.to_pylist()


def kinds(found: list[dict[str, object]]) -> list[tuple[object, object]]:
    return [(f["row"], f["finding"]) for f in found]


# ---------------------------------------------------------------------------- reading cells


def test_cells_are_read_in_the_usual_spellings() -> None:
    assert records.parse("issued", "2024-05-20") == dt.date(2024, 5, 20)
    assert records.parse("issued", "2024/5/2") == dt.date(2024, 5, 2)
    assert records.parse("issued", "2024年5月2日") == dt.date(2024, 5, 2)
    assert isinstance(records.parse("issued", "2024-02-30"), records.Bad)
    assert records.parse("issued", "") is None
    assert records.parse("major", "是") is True and records.parse("major", "false") is False
    assert isinstance(records.parse("major", "maybe"), records.Bad)
    assert records.parse("signed_by", "市长;副市长") == ("市长", "副市长")
    assert records.parse("signed_by", "-") == ()
    assert records.parse("signed_by", None) is None
    assert records.parse("kind", "请示") == "request"
    assert records.parse("kind", "請示") == "request"  # Traditional script
    assert isinstance(records.parse("recipient", "moon"), records.Bad)
    assert isinstance(records.parse("procedures_done", "legality_review;guesswork"), records.Bad)


def test_the_record_format_lists_every_document_and_agenda_fact() -> None:
    names = {c.name for c in records.COLUMNS}
    assert set(govrule.Document._fields) <= names
    assert set(govrule.AgendaItem._fields) <= names
    assert {"id", "issued", "signed_by", "cosigned_by", "reviewed_by", "meeting_date", "signed"} <= names
    schema = json.loads((ROOT / "schema" / "archive.schema.json").read_text(encoding="utf-8"))
    # Document facts are columns: after the vocabulary gains one, regenerate the schema file with
    # `python -m govrule.audit schema schema/archive.schema.json`.
    assert schema == records.json_schema(), "stale: python -m govrule.audit schema schema/archive.schema.json"
    assert set(schema["properties"]) == names
    assert schema["required"] == ["id", "issued"]


def test_generated_records_validate_against_the_schema(tmp_path: Path) -> None:
    import jsonschema

    schema = json.loads((ROOT / "schema" / "archive.schema.json").read_text(encoding="utf-8"))
    path = tmp_path / "a.jsonl"
    synth.write(synth.generate("ezhou", 300, every=7), str(path))
    validator = jsonschema.Draft202012Validator(schema)
    for line in path.read_text(encoding="utf-8").splitlines():
        validator.validate(json.loads(line))
    bad = {"issued": "2024-05-10", "signed_by": 3}
    assert list(validator.iter_errors(bad))


# ---------------------------------------------------------------------------- judging documents


def test_signer_cosigner_review_and_authorization(city: govrule.Ruleset) -> None:
    rows = [
        {"id": "ok", "issued": "2024-05-10", **TO_PROVINCE, **KNOWN, "signed_by": ["市長"]},
        {"id": "wrong", "issued": "2024-05-10", **TO_PROVINCE, **KNOWN, "signed_by": ["秘书长"]},
        {
            "id": "nocosign",
            "issued": "2024-05-10",
            "issuer": "government",
            "kind": "other",
            "recipient": "subordinate",
            "portfolios": ["教育", "卫生"],
            **KNOWN,
            "signed_by": ["head"],
            "cosigned_by": [],
        },
        {
            "id": "noreview",
            "issued": "2024-05-10",
            **TO_PROVINCE,
            "kind": "other",
            **KNOWN,
            "major": True,
            "signed_by": ["head"],
            "reviewed_by": "-",
        },
        {
            "id": "unauthorized",
            "issued": "2024-05-10",
            "issuer": "government",
            "kind": "other",
            "recipient": "subordinate",
            "decided_by": "常务会议",
            "meeting_date": "2024-05-08",
            **KNOWN,
            "signed_by": ["副市长"],
            "authorized": "否",
        },
        {
            "id": "authorized",
            "issued": "2024-05-10",
            "issuer": "government",
            "kind": "other",
            "recipient": "subordinate",
            "decided_by": "executive",
            "meeting_date": "2024-05-08",
            **KNOWN,
            "signed_by": ["deputy_head"],
            "authorized": True,
        },
    ]
    found = findings(city, rows)
    assert kinds(found) == [(2, "wrong_signer"), (3, "missing_cosigner"), (4, "missing_step"), (5, "wrong_signer")]
    wrong = found[0]
    assert (wrong["id"], wrong["rule"], wrong["citation"]) == ("wrong", "sign.to_province", "二十（一）")
    assert wrong["text"] == "以市政府名义报省政府的请示、报告，由市长签发。"
    assert "应由市长签发" in wrong["detail"] and "秘书长" in wrong["detail"]
    assert "分管副市长" in found[1]["detail"]
    assert "授权" in found[3]["detail"]


def test_unknown_facts_are_never_compliant(city: govrule.Ruleset) -> None:
    rows = [
        # major unknown: with major the rule needs a review the record does not show; the answer depends on it.
        {"id": "m", "issued": "2024-05-10", **TO_PROVINCE, "kind": "other", "signed_by": ["head"], "reviewed_by": []},
        # major unknown, but every reading gives the same answer: judged.
        {"id": "p", "issued": "2024-05-10", **TO_PROVINCE, "signed_by": ["head"]},
        # who signed is not recorded
        {"id": "s", "issued": "2024-05-10", **TO_PROVINCE, **KNOWN},
        # authorization needed, not recorded
        {
            "id": "a",
            "issued": "2024-05-10",
            "issuer": "government",
            "kind": "other",
            "recipient": "subordinate",
            "decided_by": "executive",
            "meeting_date": "2024-05-08",
            **KNOWN,
            "signed_by": ["deputy_head"],
        },
    ]
    found = findings(city, rows)
    assert kinds(found) == [(1, "unknown_fact"), (3, "unknown_fact"), (4, "unknown_fact")]
    assert found[0]["column"] == "major" and "major" in found[0]["detail"]
    assert found[1]["column"] == "signed_by"
    assert found[2]["column"] == "authorized"


def test_no_rule_not_in_force_and_versions(city: govrule.Ruleset, tmp_path: Path) -> None:
    rows = [
        {"id": "n", "issued": "2024-05-10", "issuer": "office", "kind": "other", "recipient": "public", **KNOWN},
        {"id": "old", "issued": "2019-06-01", **TO_PROVINCE, **KNOWN, "signed_by": ["秘书长"]},
    ]
    found = findings(city, rows)
    assert kinds(found) == [(1, "no_rule"), (2, "not_in_force")]
    assert "2020-01-01" in found[1]["detail"]
    # With the earlier version given, the old record is judged under it (where the secretary-general signed).
    old = tmp_path / "old.yaml"
    old.write_text(
        CITY.replace("id: audit_city", "id: audit_city_2015")
        .replace("审政发〔2020〕1号", "审政发〔2015〕9号")
        .replace("effective: 2020-01-01", "effective: 2015-01-01")
        .replace("roles: [head]}\n      - id: sign.major", "roles: [secretary_general]}\n      - id: sign.major", 1),
        encoding="utf-8",
    )
    both = Versions([city, govrule.load(str(old))])
    found = findings(both, rows)
    assert kinds(found) == [(1, "no_rule")]
    found = findings(both, [{**rows[1], "issued": "2021-06-01"}])
    assert kinds(found) == [(1, "wrong_signer")] and found[0]["ruleset"] == "audit_city"


def test_late_documents_counted_on_working_days(city: govrule.Ruleset) -> None:
    doc = {
        "issuer": "government",
        "kind": "other",
        "recipient": "subordinate",
        "decided_by": "executive",
        **KNOWN,
        "signed_by": ["head"],
        "meeting_date": "2024-09-27",
    }
    # 5 working days after 2024-09-27: 10-10 (9-29 and 10-12 adjusted workdays, 10-1..7 the holiday).
    rows = [{**doc, "id": "on_time", "issued": "2024-10-10"}, {**doc, "id": "late", "issued": "2024-10-11"}]
    found = findings(city, rows)
    assert kinds(found) == [(2, "late")]
    assert found[0]["rule"] == "deadline.meeting_documents" and "2024-10-10" in found[0]["detail"]


def test_bad_rows_are_reported_with_column_and_value_and_never_dropped(city: govrule.Ruleset) -> None:
    rows = [
        {"id": "d", "issued": "2024-13-01", **TO_PROVINCE, **KNOWN, "signed_by": ["head"]},
        {"id": "r", "issued": "2024-05-10", **TO_PROVINCE, **KNOWN, "signed_by": ["市长助理"]},
        {"id": "b", "issued": "2024-05-10", **TO_PROVINCE, **KNOWN, "major": "也许", "signed_by": ["head"]},
        {"issued": "2024-05-10", **TO_PROVINCE, **KNOWN, "signed_by": ["head"]},
        {"id": "t", "record": "memo", "issued": "2024-05-10"},
        {"id": "ok", "issued": "2024-05-10", **TO_PROVINCE, **KNOWN, "signed_by": ["head"]},
    ]
    found = findings(city, rows)
    assert [(f["row"], f["finding"], f["column"], f["value"]) for f in found] == [
        (1, "bad_row", "issued", "2024-13-01"),
        (2, "bad_row", "signed_by", "市长助理"),
        (3, "bad_row", "major", "也许"),
        (4, "bad_row", "id", None),
        (5, "bad_row", "record", "memo"),
    ]
    assert "未定义此角色" in found[1]["detail"]


def test_agenda_records(city: govrule.Ruleset) -> None:
    item = {"record": "agenda", "issued": "2024-05-22", "meeting": "常务会议", "meeting_date": "2024-05-20"}
    rows = [
        {**item, "id": "ok", "kind": "report", "involves_other_departments": True, "consulted": True},
        {**item, "id": "bad", "kind": "report", "involves_other_departments": True, "consulted": False},
        {**item, "id": "unknown", "kind": "report", "involves_other_departments": True},
        {**item, "id": "nomeeting", "meeting": None, "kind": "report"},
    ]
    found = findings(city, rows)
    assert kinds(found) == [(2, "missing_step"), (3, "unknown_fact"), (4, "bad_row")]
    assert found[0]["rule"] == "agenda.consulted" and found[0]["citation"] == "十一"
    assert found[1]["column"] == "consulted"


# ---------------------------------------------------------------------------- grouping, chunks, formats


def test_chunks_and_cache_give_the_same_findings_as_one_pass(city: govrule.Ruleset) -> None:
    archive = synth.generate(city, 600, every=7, seed=3)
    whole = run.audit_table(city, archive.table)
    auditor = Auditor(Versions([city]))
    seen = SeenIds()
    parts = []
    for i in range(0, 600, 50):
        chunk = archive.table.slice(i, 50)
        seen, again = repeats(seen, chunk, i)  # ids are checked across chunks
        parts.append(auditor.audit(chunk, i, again))
    assert pa.concat_tables(parts).equals(whole)
    assert set(zip(whole["row"].to_pylist(), whole["finding"].to_pylist(), strict=True)) == set(archive.planted)


@pytest.mark.parametrize("ruleset", ["ezhou", "rizhao"])
def test_synthetic_archive_finds_exactly_the_planted_findings(ruleset: str) -> None:
    archive = synth.generate(ruleset, 4000, every=29, seed=1)
    assert {"wrong_signer", "missing_step", "no_rule", "unknown_fact", "not_in_force", "bad_row"} <= set(archive.kinds)
    found = run.audit_table(ruleset, archive.table)
    pairs = set(zip(found["row"].to_pylist(), found["finding"].to_pylist(), strict=True))
    assert pairs == set(archive.planted)  # none missed, no clean record flagged
    assert all(
        r and c
        for r, c, k in zip(
            found["rule"].to_pylist(), found["citation"].to_pylist(), found["finding"].to_pylist(), strict=True
        )
        if k in ("wrong_signer", "missing_cosigner", "missing_step", "late")
    )


def test_every_kind_is_planted_in_the_ezhou_archive() -> None:
    archive = synth.generate("ezhou", 2000, every=11)
    format2 = "forbidden" in govrule.SigningDecision.__dataclass_fields__
    assert set(archive.kinds) == set(records.FINDING_KINDS) - (set() if format2 else {"forbidden"})
    assert {k for _, k in archive.planted} == set(archive.kinds)


FORMAT2 = (
    CITY.replace("kind: base\n", "kind: base\nformat: 2\n", 1)
    .replace(
        "signing:\n  - id: signing\n    hit_policy: first\n    rules:\n",
        "signing:\n  - id: signing\n    hit_policy: first\n    rules:\n"
        "      - id: sign.no_skipping\n        cite: 二十（六）\n        text: 不得越级行文。\n"
        "        when:\n          all: [{skips_level: {known: true}}, {skips_level: true}]\n"
        "        forbidden: true\n",
        1,
    )
    .replace("sign.decided, sign.single]", "sign.decided, sign.single, sign.no_skipping]")
    .replace(
        "coverage:\n",
        "competence:\n  - id: competence.major\n    cite: 七\n    text: 重大事项必须经市政府常务会议讨论决定。\n"
        "    matters: {kind: major_decision}\n    meetings: [executive]\n"
        "coverage:\n  - {article: 七, status: encoded, rules: [competence.major]}\n",
        1,
    )
    .replace(
        "meetings:\n  executive:\n",
        "meetings:\n  topical:\n    id: meeting.topical\n    cite: 十三\n    text: 专题会议由副市长召集。\n"
        "    label: 专题会议\n  executive:\n",
        1,
    )
    .replace("coverage:\n", "coverage:\n  - {article: 十三, status: encoded, rules: [meeting.topical]}\n", 1)
)


@pytest.mark.skipif(
    "forbidden" not in govrule.SigningDecision.__dataclass_fields__, reason="format 2 forbidden answers not built in"
)
def test_forbidden_route_and_a_meeting_not_entitled(tmp_path: Path) -> None:
    path = tmp_path / "format2.yaml"
    path.write_text(FORMAT2, encoding="utf-8")
    rs = govrule.load(str(path))
    rows = [
        {"id": "skip", "issued": "2024-05-10", **TO_PROVINCE, **KNOWN, "skips_level": True, "signed_by": ["head"]},
        {"id": "fine", "issued": "2024-05-10", **TO_PROVINCE, **KNOWN, "skips_level": False, "signed_by": ["head"]},
        {
            "id": "topical",
            "record": "agenda",
            "issued": "2024-05-10",
            "meeting": "专题会议",
            "meeting_date": "2024-05-08",
            "kind": "major_decision",
        },
    ]
    found = findings(rs, rows)
    assert [(f["row"], f["finding"], f["rule"]) for f in found] == [
        (1, "forbidden", "sign.no_skipping"),
        (3, "forbidden", "competence.major"),
    ]
    assert found[0]["citation"] == "二十（六）" and found[1]["citation"] == "七"


@pytest.mark.parametrize("ext", [".parquet", ".csv", ".jsonl"])
def test_every_format_gives_the_same_findings(city: govrule.Ruleset, tmp_path: Path, ext: str) -> None:
    archive = synth.generate(city, 900, every=13, seed=2)
    path = tmp_path / f"archive{ext}"
    synth.write(archive, str(path), row_group_size=200)
    out = tmp_path / "findings.parquet"
    summary = run.audit_file(city, str(path), out=str(out), chunk_rows=256)
    found = pq.read_table(out)
    assert set(zip(found["row"].to_pylist(), found["finding"].to_pylist(), strict=True)) == set(archive.planted)
    assert summary.records == 900 and summary.findings == found.num_rows
    assert summary.flagged == len({r for r, _ in archive.planted})


def test_readers_stream_in_chunks(city: govrule.Ruleset, tmp_path: Path) -> None:
    archive = synth.generate(city, 1000, every=13)
    for ext in (".parquet", ".csv", ".jsonl"):
        path = tmp_path / f"a{ext}"
        synth.write(archive, str(path), row_group_size=100)
        chunks = list(read_archive(str(path), chunk_rows=100))
        assert len(chunks) >= 2 and max(c.table.num_rows for c in chunks) < 1000, ext  # never the whole file
        assert sum(c.table.num_rows for c in chunks) == 1000


def test_unreadable_csv_and_json_lines_are_findings(city: govrule.Ruleset, tmp_path: Path) -> None:
    csv_path = tmp_path / "a.csv"
    csv_path.write_text(
        "id,issued,issuer,kind,recipient,signed_by,major,important,broad_scope,routine_approval,entrusted\n"
        "a1,2024-05-10,government,request,higher_government,市长,0,0,0,0,0\n"
        "broken,line\n"
        "a3,2024-05-10,government,request,higher_government,秘書長,0,0,0,0,0\n",
        encoding="utf-8",
    )
    out = tmp_path / "f.jsonl"
    run.audit_file(city, str(csv_path), out=str(out))
    found = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(f["row"], f["finding"], f["id"]) for f in found] == [(2, "bad_row", None), (3, "wrong_signer", "a3")]
    assert found[0]["value"] == "broken,line" and "第3行" in found[0]["detail"]
    jl = tmp_path / "a.jsonl"
    jl.write_text('{"id": "x", "issued": "2024-05-10"}\n[1, 2]\n{not json\n', encoding="utf-8")
    run.audit_file(city, str(jl), out=str(out))
    found = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(f["row"], f["finding"]) for f in found][1:] == [(2, "bad_row"), (3, "bad_row")]


# ---------------------------------------------------------------------------- the command, reports


def _cli(*argv: str) -> tuple[int, str, str]:
    import io

    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_command_exit_codes_outputs_and_report(city: govrule.Ruleset, tmp_path: Path) -> None:
    assert city.source is not None
    ruleset = city.source.file
    archive = synth.generate(city, 500, every=31)
    path = tmp_path / "archive.parquet"
    synth.write(archive, str(path))
    out, html = tmp_path / "findings.csv", tmp_path / "report.html"
    code, text, err = _cli("audit", ruleset, str(path), "-o", str(out), "--report", str(html))
    assert code == 1, err
    assert "记录 500 条" in text and "签发人不符" in text and "wrong_signer" in text
    assert err == ""  # no progress bar when standard error is not a terminal
    assert out.read_text(encoding="utf-8").splitlines()[0].replace('"', "").split(",") == list(records.FINDINGS_COLUMNS)
    page = html.read_text(encoding="utf-8")
    assert "<svg" in page and "按规则" in page and "按发文机关" in page and "按月份" in page
    assert "<script" not in page and "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in page
    code, text, _ = _cli("audit", ruleset, str(path), "--json")
    data = json.loads(text)
    assert code == 1 and data["schema"] and data["records"] == 500
    assert data["by_kind"]["wrong_signer"]["records"] == sum(1 for _, k in archive.planted if k == "wrong_signer")
    clean = tmp_path / "clean.jsonl"
    clean.write_text(
        json.dumps({"id": "c", "issued": "2024-05-10", **TO_PROVINCE, **KNOWN, "signed_by": "市长"}) + "\n"
    )
    assert _cli("audit", ruleset, str(clean))[0] == 0
    assert _cli("audit", ruleset, str(tmp_path / "missing.parquet"))[0] == 2
    assert _cli("audit", ruleset, str(tmp_path / "archive.xlsx"))[0] == 2
    assert _cli("audit", "no_such_ruleset", str(clean))[0] == 2
    assert _cli("audit", ruleset, str(clean), "-o", str(tmp_path / "f.txt"))[0] == 2


def test_progress_bar_only_on_a_terminal() -> None:
    import io

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    quiet, loud = io.StringIO(), Tty()
    for stream in (quiet, loud):
        bar = Progress(stream)
        bar(50, 100)
        bar.close()
    assert quiet.getvalue() == ""
    assert "50.0%" in loud.getvalue() and "50/100" in loud.getvalue() and loud.getvalue().endswith("\n")


def test_summary_text_is_chinese_and_aligned(city: govrule.Ruleset) -> None:
    archive = synth.generate(city, 300, every=17)
    summary = run.Summary("a.parquet", [])
    summary.records = 300
    summary.add(run.audit_table(city, archive.table))
    text = report.summary_text(summary)
    lines = text.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("类别"))
    assert set(lines[header + 1]) <= {"-", " "}
    assert "无问题" in text and "事实不明" in text


def test_core_library_does_not_import_the_audit_extra() -> None:
    code = (
        "import sys, govrule, govrule.cli\n"
        "govrule.cli.build_parser()\n"
        "assert not {'pyarrow', 'pandas', 'dask'} & set(sys.modules), sorted(sys.modules)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_without_the_extra_the_command_says_what_to_install(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "sys.modules['pyarrow'] = None\n"
        "from govrule.cli import main\n"
        "raise SystemExit(main(['audit', 'ezhou', 'archive.parquet']))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 2
    assert "pip install 'govrule[audit]'" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.skipif(not hasattr(govrule.Ruleset, "who_must_approve"), reason="format 2 approvals not built in")
def test_approval_records_are_judged_by_who_must_approve() -> None:
    rs = govrule.load("wuhai_hainan")
    doc = {"issuer": "department", "kind": "request", "recipient": "government", **KNOWN}
    answer = rs.who_must_approve(doc)
    required = [s for s in answer.steps if s.action in ("review", "approve") and not getattr(s, "discretionary", False)]
    assert required
    done = sorted({r for s in required for r in (s.roles if s.mode == "all" else s.roles[:1])})
    rows = [
        {**doc, "id": "ok", "record": "审批", "issued": "2024-05-10", "reviewed_by": done},
        {**doc, "id": "skipped", "record": "approval", "issued": "2024-05-10", "reviewed_by": []},
    ]
    found = findings(rs, rows)
    assert {f["id"] for f in found} == {"skipped"}
    assert [f["finding"] for f in found] == ["missing_step"] * len(required)
    assert {f["rule"] for f in found} == {answer.rule.id}
