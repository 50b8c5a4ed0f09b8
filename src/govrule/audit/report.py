"""What an audit found, for people: a summary table in Chinese and an offline HTML report.

The HTML report is one file with no scripts, fonts or stylesheets from elsewhere: its bar
charts are SVG drawn here, so it opens on a machine without a network.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Sequence
from typing import Any

from .records import FINDING_KINDS, FINDING_LABELS
from .run import Summary

__all__ = ["html_report", "summary_text"]

_VIOLATIONS = ("wrong_signer", "missing_cosigner", "missing_step", "late", "forbidden")
_ISSUER_ZH = {
    "government": "政府",
    "office": "办公室",
    "party_group": "党组",
    "joint": "党政联合",
    "department": "部门",
}


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(0, width - _width(text))
    return gap + text if right else text + gap


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[bool]) -> list[str]:
    widths = [max(_width(str(c)) for c in col) for col in zip(header, *rows, strict=True)]
    lines = ["  ".join(_pad(h, w, r) for h, w, r in zip(header, widths, right, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines.extend(
        "  ".join(_pad(str(c), w, r) for c, w, r in zip(row, widths, right, strict=True)).rstrip() for row in rows
    )
    return lines


def summary_text(summary: Summary, *, top: int = 10) -> str:
    """The summary as a readable Chinese table (counts by kind, then the rules found most)."""
    names = "、".join(f"《{r['title']}》{r['number'] or ''}" for r in summary.rulesets)
    rate = f"{summary.records / summary.seconds:,.0f} 条/秒" if summary.seconds > 0 else ""
    lines = [
        f"审计档案 {summary.archive}，依据 {names}",
        f"记录 {summary.records:,} 条：无问题 {summary.compliant:,} 条，有发现 {summary.flagged:,} 条，"
        f"发现共 {summary.findings:,} 项。用时 {summary.seconds:.2f} 秒 {rate}".rstrip(),
        "",
    ]
    rows = [
        [FINDING_LABELS[k], k, f"{summary.records_by_kind[k]:,}", f"{summary.by_kind[k]:,}"]
        for k in FINDING_KINDS
        if summary.by_kind[k]
    ]
    if rows:
        lines += _table(["类别", "finding", "记录数", "发现数"], rows, [False, False, True, True])
        unknown = summary.records_by_kind["unknown_fact"]
        if unknown:
            lines += ["", f"注：事实不明的 {unknown:,} 条记录未判定为合规，补充所列事实后可再审。"]
    else:
        lines.append("未发现问题。")
    cited = [(key, n) for key, n in summary.by_rule.most_common() if key[0]][:top]
    if cited:
        lines += ["", f"发现最多的规则（前 {top} 条）："]
        rule_rows = [[r, c or "—", s or "—", f"{n:,}"] for (r, c, s), n in cited]
        lines += _table(["规则", "条款", "规则集", "发现数"], rule_rows, [False, False, False, True])
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------- HTML

_CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:2em auto;max-width:60em;
color:#222;padding:0 1em}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}.muted{color:#666}
.bar{fill:#3a6ea5}.bar.v{fill:#b03a2e}.bar.o{fill:#999}svg text{font-size:12px;fill:#222}
"""


def _bar_chart(items: Sequence[tuple[str, int, bool]], *, title: str) -> str:
    """A horizontal bar chart as inline SVG: (label, count, is a violation) per bar."""
    if not items:
        return '<p class="muted">无</p>'
    top = max(n for _, n, _ in items) or 1
    label_w = min(320, 12 + 13 * max(_width(lbl) for lbl, _, _ in items) // 2 * 2)
    bar_w = 420
    h = 22
    height = h * len(items) + 10
    parts = [
        f'<svg role="img" aria-label="{html.escape(title)}" width="{label_w + bar_w + 80}" height="{height}" '
        f'xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, (label, n, violation) in enumerate(items):
        y = 5 + i * h
        w = max(1, round(bar_w * n / top))
        cls = "bar v" if violation else "bar"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end">{html.escape(label)}</text>'
            f'<rect class="{cls}" x="{label_w}" y="{y + 3}" width="{w}" height="{h - 6}">'
            f"<title>{html.escape(label)}: {n}</title></rect>"
            f'<text x="{label_w + w + 4}" y="{y + 15}">{n:,}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _column_chart(months: Sequence[str], findings: Sequence[int], records: Sequence[int], *, title: str) -> str:
    """Findings per month as columns over the records per month (a lighter column behind)."""
    if not months:
        return '<p class="muted">无</p>'
    top = max([*findings, *records, 1])
    step = max(8, min(40, 900 // len(months)))
    height = 220
    width = 50 + step * len(months)
    parts = [
        f'<svg role="img" aria-label="{html.escape(title)}" width="{width}" height="{height + 60}" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<text x="0" y="12">{top:,}</text><line x1="40" y1="{height}" x2="{width}" y2="{height}" stroke="#999"/>',
    ]
    for i, (month, f, r) in enumerate(zip(months, findings, records, strict=True)):
        x = 45 + i * step
        rh = round(height * r / top)
        fh = round(height * f / top)
        parts.append(
            f'<rect class="bar o" x="{x}" y="{height - rh}" width="{step - 3}" height="{rh}" opacity="0.35">'
            f"<title>{month} 记录 {r:,}</title></rect>"
            f'<rect class="bar v" x="{x}" y="{height - fh}" width="{step - 3}" height="{fh}">'
            f"<title>{month} 发现 {f:,}</title></rect>"
        )
        if len(months) <= 24 or i % max(1, len(months) // 24) == 0:
            parts.append(
                f'<text x="{x}" y="{height + 12}" transform="rotate(60 {x} {height + 12})">{html.escape(month)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _rows(rows: Sequence[Sequence[Any]], numeric: Sequence[bool]) -> str:
    out = []
    for row in rows:
        cells = "".join(
            f'<td class="n">{c:,}</td>' if num and isinstance(c, int) else f"<td>{html.escape(str(c))}</td>"
            for c, num in zip(row, numeric, strict=True)
        )
        out.append(f"<tr>{cells}</tr>")
    return "".join(out)


def html_report(summary: Summary, *, top: int = 30) -> str:
    """A self-contained HTML report: totals, and counts by kind, rule, issuer and month with SVG charts."""
    e = html.escape
    versions = "".join(
        f"<li>《{e(r['title'])}》{e(r['number'] or '')}"
        f"（{e(r['id'])}，施行自 {e(r['in_force_from'] or '未载明')}）</li>"
        for r in summary.rulesets
    )
    kinds = [(FINDING_LABELS[k] + f" ({k})", summary.by_kind[k], k in _VIOLATIONS) for k in FINDING_KINDS]
    kinds = [k for k in kinds if k[1]]
    kind_rows = [
        [FINDING_LABELS[k], k, summary.records_by_kind[k], summary.by_kind[k]]
        for k in FINDING_KINDS
        if summary.by_kind[k]
    ]
    rules = [(key, n) for key, n in summary.by_rule.most_common() if key[0]][:top]
    rule_chart = [(f"{c or r or '（无规则）'} {r}".strip(), n, True) for (r, c, _), n in rules]
    rule_rows = [[r or "—", c or "—", s or "—", n] for (r, c, s), n in rules]
    issuers = summary.by_issuer.most_common(top)
    issuer_chart = [(f"{_ISSUER_ZH[i]} ({i})" if i in _ISSUER_ZH else i or "（未载明）", n, True) for i, n in issuers]
    months = sorted(set(summary.by_month) | set(summary.records_by_month))
    month_rows = [[m or "（日期不明）", summary.records_by_month[m], summary.by_month[m]] for m in months]
    dated = [m for m in months if m]
    month_chart = _column_chart(dated, [summary.by_month[m] for m in dated], [0] * len(dated), title="按月份的发现数")
    body = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>公文档案审计报告</title><style>{_CSS}</style></head>
<body>
<h1>公文档案审计报告</h1>
<p>档案：<code>{e(summary.archive)}</code></p>
<p>依据：</p><ul>{versions}</ul>
<table>
<tr><th>记录</th><td class="n">{summary.records:,}</td></tr>
<tr><th>无问题</th><td class="n">{summary.compliant:,}</td></tr>
<tr><th>有发现的记录</th><td class="n">{summary.flagged:,}</td></tr>
<tr><th>发现</th><td class="n">{summary.findings:,}</td></tr>
</table>
<p class="muted">“事实不明”的记录没有被算作合规：补充所列事实后再审。</p>
<h2>按类别</h2>
{_bar_chart(kinds, title="按类别的发现数")}
<table><tr><th>类别</th><th>finding</th><th>记录数</th><th>发现数</th></tr>{
        _rows(kind_rows, [False, False, True, True])
    }</table>
<h2>按规则</h2>
{_bar_chart(rule_chart, title="按规则的发现数")}
<table><tr><th>规则</th><th>条款</th><th>规则集</th><th>发现数</th></tr>{
        _rows(rule_rows, [False, False, False, True])
    }</table>
<h2>按发文机关</h2>
{_bar_chart(issuer_chart, title="按发文机关的发现数")}
<h2>按月份</h2>
<p class="muted">每月的发现数；每月的记录数见下表。</p>
{month_chart}
<table><tr><th>月份</th><th>记录数</th><th>发现数</th></tr>{_rows(month_rows, [False, True, True])}</table>
</body></html>
"""
    return body
