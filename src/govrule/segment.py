"""Split a government work-rules text into chapters, articles (条) and items (项).

The segmenter reads texts as they are captured from the web: with page headers and
footers, a 通知 preamble, Traditional script, characters lost or injected in capture,
and whole blocks of articles repeated. It keeps the numbering honest instead of
trusting every line that looks like a header: an article header must start a line and
carry the next expected number, or a garbled form of it that its neighbours confirm.
Every reading that needed repair is reported as a note, so a person can check it
against the captured text.

Two numbering styles are recognised: ``tiao`` ("第五十条", labels "第五十条") and
``dun`` ("五十六、", labels "五十六"). Items are numbered "（一）" or "(一)".
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import json
import os
import re
import unicodedata
from dataclasses import dataclass, field

import opencc

from govrule.errors import GovruleError

__all__ = [
    "Article",
    "Item",
    "Segmented",
    "chinese_numeral",
    "ruleset_id_from",
    "scaffold",
    "segment",
    "segment_file",
    "to_chinese_numeral",
]


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Item:
    """One numbered item (项) of an article, e.g. "（一）传达学习……"."""

    number: int
    label: str
    """The label as the text writes it ("（一）" or "(一)"); rebuilt in the article's style if lost."""
    text: str
    """The item's line as captured, label included, whitespace-trimmed."""


@dataclass(frozen=True)
class Article:
    """One article (条) of a rules text, with its items and any repair notes."""

    number: int
    label: str
    """How the text numbers it: "第五十条" (tiao style) or "五十六" (dun style)."""
    chapter: str | None
    """The chapter it belongs to, e.g. "第八章 会议制度"; None for texts without chapters."""
    text: str
    """The whole article as captured (header line and continuation lines), whitespace-trimmed."""
    items: tuple[Item, ...]
    line: int
    """The 1-based line of the source where the article starts."""
    notes: tuple[str, ...]
    """How the article's header or items were repaired, and where it is repeated."""


@dataclass(frozen=True)
class Segmented:
    """A rules text split into articles, with what could be read from its page header."""

    articles: tuple[Article, ...]
    chapters: tuple[str, ...]
    style: str
    """"tiao" (第N条) or "dun" (一、)."""
    number: str | None
    """The document number (文号), e.g. "鄂州政发〔2018〕18号", as captured."""
    dates: tuple[str, ...]
    """Every date the text states, as ISO strings, in order of first appearance."""
    title: str | None
    script: str
    """"simplified" or "traditional"."""
    duplicates: tuple[str, ...]
    """One report per block of articles that the text repeats."""
    notes: tuple[str, ...]
    """Document-level findings: numbering gaps, ignored lines, stripped artifacts."""
    labelled_dates: tuple[tuple[str, str], ...] = ()
    """Dates whose role the text states: ("published" | "written" | "adopted" | "signed", ISO date)."""
    preamble: tuple[str, ...] = ()
    """The non-blank lines before the first article (page header, 通知, title), trimmed."""

    def article(self, label_or_number: str | int) -> Article:
        """Return the article with this number or label; KeyError if the text has none."""
        for art in self.articles:
            if art.number == label_or_number or art.label == label_or_number:
                return art
        raise KeyError(label_or_number)


# --------------------------------------------------------------------------- numerals

_DIGITS = "一二三四五六七八九"
_NUM_CHARS = "零〇一二三四五六七八九十百"
_MAX_NUMERAL = 999


def to_chinese_numeral(n: int) -> str:
    """Write 1..999 as a Chinese numeral the way rules texts number articles: 十, 二十一, 一百零三."""
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= _MAX_NUMERAL:
        raise ValueError(f"no Chinese numeral for n={n!r}: expected an integer 1..{_MAX_NUMERAL}")
    hundreds, rest = divmod(n, 100)
    tens, units = divmod(rest, 10)
    out = ""
    if hundreds:
        out += _DIGITS[hundreds - 1] + "百"
    if tens:
        out += ("" if tens == 1 and not hundreds else _DIGITS[tens - 1]) + "十"
    elif hundreds and units:
        out += "零"
    if units:
        out += _DIGITS[units - 1]
    return out


@functools.cache
def _numeral_table() -> dict[str, int]:
    table = {to_chinese_numeral(n): n for n in range(1, _MAX_NUMERAL + 1)}
    table.update({"〇".join(k.split("零")): v for k, v in table.items() if "零" in k})
    return table


def chinese_numeral(text: str) -> int:
    """Read a Chinese numeral 一..九百九十九 (十, 二十, 一百零三, …); ValueError if it is not one."""
    value = _numeral_table().get(text.strip()) if isinstance(text, str) else None
    if value is None:
        raise ValueError(f"not a Chinese numeral 1..{_MAX_NUMERAL}: text={text!r}")
    return value


def _numeral_or_none(text: str) -> int | None:
    return _numeral_table().get(text)


def _is_subsequence(short: str, long: str) -> bool:
    chars = iter(long)
    return all(ch in chars for ch in short)


# --------------------------------------------------------------------------- script


@functools.cache
def _t2s_converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def _t2s(text: str) -> str:
    return str(_t2s_converter().convert(text))


def _detect_script(text: str) -> str:
    cjk = [ch for ch in text if "\u4e00" <= ch <= "\u9fff"]
    if not cjk:
        return "simplified"
    sample = "".join(cjk)
    simplified = _t2s(sample)
    if len(simplified) != len(sample):
        return "traditional"
    changed = sum(1 for a, b in zip(sample, simplified, strict=True) if a != b)
    # A simplified text changes almost nowhere; a Traditional one in about a third of its characters.
    return "traditional" if changed / len(cjk) > 0.05 else "simplified"


def _normalise(text: str) -> str:
    return _t2s(re.sub(r"\s+", "", text))


# --------------------------------------------------------------------------- line patterns

_PINYIN = re.compile(r"(?<=[\u4e00-\u9fff])[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}[)）]")
_CHAPTER = re.compile(rf"\s*第([{_NUM_CHARS}]{{1,6}})章(.*)$")
_TIAO_STRONG = re.compile(rf"\s*第([{_NUM_CHARS}]{{1,6}})[条條]")
_TIAO_ANY = re.compile(rf"\s*(第?)([{_NUM_CHARS}]{{1,6}})([条條]?)")
_DUN = re.compile(rf"\s*([{_NUM_CHARS}]{{1,6}})、")
_ITEM = re.compile(rf"[（(]\s*([{_NUM_CHARS}]{{1,6}})\s*[）)]")
_ITEM_LOST = re.compile(r"[（(]?[）)]")
_TERMINAL = re.compile(
    r"(扫一扫|掃一掃|相关词条|相關詞條|热门词条|熱門詞條|联系我们|聯繫我們|聯絡我們|联系地址|聯繫地址"
    r"|版权所有|版權所有|copyright|文件下载|文件下載|附件下载|附件下載|相关链接|相關鏈接|相關連結"
    r"|打印本页|關閉窗口|关闭窗口|分享到|返回顶部)",
    re.IGNORECASE,
)
_FILE_LINE = re.compile(r"\.(pdf|docx?|wps|xlsx?|ofd)\s*$", re.IGNORECASE)
_SIGNER = re.compile(r"[\u4e00-\u9fff]{2,24}(人民政府|政府|办公室|辦公室|办公厅|辦公廳)")
_DATE_ONLY = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}-\d{1,2}-\d{1,2}")
_DATE_CN = re.compile(r"(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_DATE_ISO = re.compile(r"(?<!\d)(\d{4})[-./](\d{1,2})[-./](\d{1,2})(?!\d)")
_BARE_DATE = re.compile(r"(?<![\d〔\[［【(（/-])(?:19|20)\d{4,6}(?![\d〕\]］】)）/-])")
_DOC_NUMBER = re.compile(r"([\u4e00-\u9fff]{1,10})([〔\[［【(（])(\d{4})([〕\]］】)）])\s*(\d{1,4})\s*([号號])")
_NUMBER_LABEL = re.compile(r"[文字]\s*[号號]\s*[:：]?\s*$")
_TITLE_LINE = re.compile(
    r"[\u4e00-\u9fff《》]{2,40}?(工作规则|工作規則|规则|規則|规定|規定|办法|辦法|细则|細則|条例|條例)"
)
_NOTICE_TITLE = re.compile(r"[关關][于於](?:[印转轉][发發])《?(.+?)》?的通知")
_ABOLISHED = re.compile(r"此文件(废止|廢止)|已(废止|廢止)|(有效性|时效|時效)[:：]\s*(失效|废止|廢止)")
_SENTENCE_PUNCT = set(",，。;；:：、!！?？")


@dataclass(frozen=True)
class _Candidate:
    """A line that might start an article."""

    raw: str  # the numeral as captured, e.g. "四十" or "六三"
    value: int | None  # the numeral read as written; None if it is not a numeral
    strong: bool  # the header is complete: 第N条 or N、
    head: str  # the header as captured, e.g. "第五十" or "六条"
    rest: str  # the text after the header


def _tiao_candidate(line: str) -> _Candidate | None:
    m = _TIAO_ANY.match(line)
    if not m:
        return None
    has_di, raw, has_tiao = m.group(1), m.group(2), m.group(3)
    rest = line[m.end() :]
    strong = bool(has_di and has_tiao)
    # A header that lost 第 or 条 is only believed when whitespace separates it from its text.
    if not strong and (not rest[:1].isspace() or not rest.strip()):
        return None
    return _Candidate(raw, _numeral_or_none(raw), strong, line[: m.end()].strip(), rest.strip())


def _dun_candidate(line: str) -> _Candidate | None:
    m = _DUN.match(line)
    if not m:
        return None
    raw = m.group(1)
    return _Candidate(raw, _numeral_or_none(raw), True, line[: m.end()].strip(), line[m.end() :].strip())


def _is_date_only(text: str) -> bool:
    return _DATE_ONLY.fullmatch(text.strip()) is not None


def _next_nonblank(lines: list[str], i: int) -> int | None:
    for j in range(i + 1, len(lines)):
        if lines[j].strip():
            return j
    return None


def _is_footer(lines: list[str], i: int) -> bool:
    s = lines[i].strip()
    if _TERMINAL.match(s) or _FILE_LINE.search(s) or "ICP备" in s or "ICP備" in s:
        return True
    if _is_date_only(s):
        return True
    if _SIGNER.fullmatch(s):
        j = _next_nonblank(lines, i)
        return j is not None and _is_date_only(lines[j])
    return False


# --------------------------------------------------------------------------- chapters


@dataclass(frozen=True)
class _Chapter:
    number: int
    label: str
    name_line: int | None  # index of a separate line holding the chapter's name


def _chapter_heading(lines: list[str], i: int) -> _Chapter | str | None:
    """Read a chapter heading at line i; a string explains why a look-alike is not one."""
    m = _CHAPTER.match(lines[i])
    if not m:
        return None
    value = _numeral_or_none(m.group(1))
    rest = m.group(2)
    if value is None:
        return None
    if rest[:1] in _SENTENCE_PUNCT:
        return "章号的列举，不是章标题"
    name = re.sub(r"\s+", "", rest)
    if len(name) > 30 or _SENTENCE_PUNCT & set(name):
        return None
    name_line = None
    if not name:
        j = _next_nonblank(lines, i)
        if j is not None:
            nxt = re.sub(r"\s+", "", lines[j])
            if (
                len(nxt) <= 20
                and not _SENTENCE_PUNCT & set(nxt)
                and not _CHAPTER.match(lines[j])
                and _dun_candidate(lines[j]) is None
                and _TIAO_STRONG.match(lines[j]) is None
            ):
                name, name_line = nxt, j
    label = f"第{m.group(1)}章 {name}" if name else f"第{m.group(1)}章"
    return _Chapter(value, label, name_line)


# --------------------------------------------------------------------------- drafts


@dataclass
class _Draft:
    number: int
    line: int  # 1-based
    chapter: str | None
    first_rest: str
    lines: list[tuple[int, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class _DupBlock:
    start: int  # 1-based line
    drafts: list[_Draft] = field(default_factory=list)
    chapters: list[str] = field(default_factory=list)


#: The longest text segment reads (characters): a rules document is a few tens of thousands.
MAX_CHARS = 1_000_000
#: Texts compared character by character (diff of repeated copies, header similarity) are cut here,
#: so a long line or a long repeated article costs bounded time instead of the product of two lengths.
_COMPARE_CHARS = 2_000
#: Lines compared for likeness (a heading with its garbled twin) are cut to this many characters.
_SIMILAR_CHARS = 200


def _similar(a: str, b: str) -> bool:
    a, b = _normalise(a)[:_SIMILAR_CHARS], _normalise(b)[:_SIMILAR_CHARS]
    if not a or not b:
        return False
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= 0.6


class _Segmenter:
    """One pass over the lines of a text, keeping the numbering state."""

    def __init__(self, lines: list[str], style: str) -> None:
        self.lines = lines
        self.style = style
        make = _tiao_candidate if style == "tiao" else _dun_candidate
        self.cands = [make(line) for line in lines]
        self.drafts: dict[int, _Draft] = {}
        self.order: list[_Draft] = []
        self.chapters: list[str] = []
        self.notes: list[str] = []
        self.blocks: list[_DupBlock] = []
        self.expected = 1
        self.current: _Draft | None = None
        self.chapter: str | None = None
        self.chapter_no = 0
        self.orphans: list[tuple[int, str]] = []
        self.after_chapter = False
        self.dup: _DupBlock | None = None
        self.dup_current: _Draft | None = None

    def label(self, n: int) -> str:
        numeral = to_chinese_numeral(n)
        return f"第{numeral}条" if self.style == "tiao" else numeral

    # ---- the pass

    def run(self, start: int) -> None:
        consumed: set[int] = set()
        for i in range(start, len(self.lines)):
            s = self.lines[i].strip()
            if i in consumed or not s:
                continue
            if self.order and _is_footer(self.lines, i):
                self.notes.append(f"第 {i + 1} 行：从此处起是页脚或落款（{_short(s)}），不属于任何条")
                break
            heading = _chapter_heading(self.lines, i)
            if isinstance(heading, str):
                self.notes.append(f"第 {i + 1} 行：{_short(s)} 是{heading}，已略过")
                continue
            if heading is not None:
                if heading.name_line is not None:
                    consumed.add(heading.name_line)
                self.on_chapter(heading, i)
                continue
            cand = self.cands[i]
            if cand is not None and self.on_candidate(cand, i):
                continue
            self.on_body(i, s)
        self.finish_orphans()

    def on_chapter(self, heading: _Chapter, i: int) -> None:
        if heading.number <= self.chapter_no:
            if self.dup is not None:
                self.dup.chapters.append(heading.label)
                self.dup_current = None
            else:
                self.notes.append(f"第 {i + 1} 行：章标题 {heading.label} 与前面的章重复，已略过")
            return
        if heading.number != self.chapter_no + 1:
            self.notes.append(f"第 {i + 1} 行：章的编号从 {self.chapter_no} 跳到 {heading.number}（{heading.label}）")
        self.finish_orphans()
        self.dup = None
        self.dup_current = None
        self.current = None
        self.chapter_no = heading.number
        self.chapter = heading.label
        self.chapters.append(heading.label)
        self.after_chapter = True

    def on_candidate(self, cand: _Candidate, i: int) -> bool:
        """Handle a line that looks like a header; False if it is body text after all."""
        v, e = cand.value, self.expected
        if self.dup is not None:
            last = self.dup.drafts[-1].number
            if v is not None and v == last + 1 and v < e:
                self.add_dup(cand, i)
                return True
            if v != e:
                return False
            self.dup = None
            self.dup_current = None
        if v == e:
            note = None if cand.strong else self.form_note(cand, i, e)
            self.accept(e, cand, i, note)
            return True
        if v is not None and v < e and v in self.drafts and _similar(cand.rest, self.drafts[v].first_rest):
            self.dup = _DupBlock(start=i + 1)
            self.current = None
            self.add_dup(cand, i)
            return True
        if self.garbled_fits(cand, i, e):
            prev = f"{self.label(e - 1)}" if e > 1 else "开头"
            note = (
                f"第 {i + 1} 行：条标题写作 {cand.head!r}，按编号读作 {self.label(e)}"
                f"（它在 {prev} 之后，下一个条标题的编号更大）"
            )
            self.accept(e, cand, i, note)
            return True
        if v is not None and cand.strong and e < v <= e + 3:
            if v == e + 1 and self.orphans:
                self.recover_from_orphans(e, i)
            else:
                missing = ", ".join(self.label(n) for n in range(e, v))
                self.notes.append(f"第 {i + 1} 行：编号跳到 {self.label(v)}；未找到：{missing}")
            self.accept(v, cand, i, None)
            return True
        if not self.order and cand.strong and v is not None and v > e and self.starts_excerpt(i, v):
            self.notes.append(f"第 {i + 1} 行：正文从 {self.label(v)} 开始，是节选（excerpt），此前的条不在文件中")
            self.accept(v, cand, i, None)
            return True
        if cand.strong and v is not None:
            where = f"{self.label(self.current.number)} 的正文" if self.current else "不属于任何条的文字"
            self.notes.append(
                f"第 {i + 1} 行：{cand.head!r} 在行首，但不接续编号（应为 {self.label(e)}），作为{where}保留"
            )
        return False

    def starts_excerpt(self, i: int, v: int) -> bool:
        """A first complete header numbered above 1 starts an excerpt when the next header follows it."""
        for j in range(i + 1, len(self.cands)):
            nxt = self.cands[j]
            if nxt is not None and nxt.strong and nxt.value is not None:
                return nxt.value == v + 1
        return True  # the only header in the text

    def form_note(self, cand: _Candidate, i: int, n: int) -> str:
        if self.style == "tiao":
            lost = "和".join(
                part
                for part, present in (("“第”", cand.head.startswith("第")), ("“条”", cand.head[-1:] in "条條"))
                if not present
            )
            return f"第 {i + 1} 行：条标题写作 {cand.head!r}（采集时丢失了{lost}），读作 {self.label(n)}"
        return f"第 {i + 1} 行：条标题写作 {cand.head!r}，读作 {self.label(n)}"

    def garbled_fits(self, cand: _Candidate, i: int, e: int) -> bool:
        expected = to_chinese_numeral(e)
        if cand.raw == expected or not _is_subsequence(cand.raw, expected):
            return False
        # Believe a garbled number only if the next readable header carries a higher one.
        for j in range(i + 1, len(self.lines)):
            nxt = self.cands[j]
            if nxt is not None and nxt.value is not None:
                return nxt.value > e
        return True

    def accept(self, n: int, cand: _Candidate, i: int, note: str | None) -> None:
        self.finish_orphans()
        draft = _Draft(n, i + 1, self.chapter, cand.rest, [(i + 1, self.lines[i].strip())])
        if note:
            draft.notes.append(note)
        self.drafts[n] = draft
        self.order.append(draft)
        self.current = draft
        self.expected = n + 1
        self.after_chapter = False

    def add_dup(self, cand: _Candidate, i: int) -> None:
        assert cand.value is not None and self.dup is not None
        draft = _Draft(cand.value, i + 1, None, cand.rest, [(i + 1, self.lines[i].strip())])
        self.dup.drafts.append(draft)
        if len(self.dup.drafts) == 1:
            self.blocks.append(self.dup)
        self.dup_current = draft

    def recover_from_orphans(self, n: int, i: int) -> None:
        first = self.orphans[0][0]
        draft = _Draft(n, first, self.chapter, self.orphans[0][1], list(self.orphans))
        draft.notes.append(
            f"第 {first} 行：条标题在采集时丢失；{self.chapter or '开头'} 与 {self.label(n + 1)}"
            f"（第 {i + 1} 行）之间的文字读作 {self.label(n)}"
        )
        self.orphans = []
        self.drafts[n] = draft
        self.order.append(draft)

    def finish_orphans(self) -> None:
        """Report text that sits between a chapter heading and its first article."""
        if self.orphans:
            lines = "、".join(str(ln) for ln, _ in self.orphans)
            self.notes.append(
                f"第 {lines} 行：{self.chapter or '开头'} 之后、第一条之前的文字不属于任何条："
                f"{_short(self.orphans[0][1])}"
            )
            self.orphans = []

    def on_body(self, i: int, s: str) -> None:
        if self.dup is not None:
            if self.dup_current is not None:
                self.dup_current.lines.append((i + 1, s))
        elif self.current is not None:
            self.current.lines.append((i + 1, s))
        elif self.after_chapter:
            self.orphans.append((i + 1, s))


def _short(text: str, limit: int = 24) -> str:
    text = text.strip()
    return repr(text if len(text) <= limit else text[:limit] + "…")


# --------------------------------------------------------------------------- items


def _items(draft: _Draft) -> tuple[tuple[Item, ...], list[str]]:
    """Find the numbered items of an article, repairing labels that capture lost."""
    body = draft.lines[1:]
    kinds: list[tuple[str, int | None, str]] = []  # (kind, value, label)
    opening, closing = "（", "）"
    for _, text in body:
        m = _ITEM.match(text)
        if m and _numeral_or_none(m.group(1)) is not None:
            kinds.append(("item", _numeral_or_none(m.group(1)), m.group(0)))
            opening, closing = m.group(0)[0], m.group(0)[-1]
        elif lost := _ITEM_LOST.match(text):
            kinds.append(("lost", None, lost.group(0)))
        else:
            kinds.append(("text", None, ""))

    items: list[Item] = []
    notes: list[str] = []
    pending: list[int] = []  # indexes into body since the last item

    def rebuilt(n: int) -> str:
        return f"{opening}{to_chinese_numeral(n)}{closing}"

    def take(idx: int, n: int, why: str) -> None:
        line, text = body[idx]
        items.append(Item(n, rebuilt(n), text))
        notes.append(f"第 {line} 行：{why}，读作第 {rebuilt(n)} 项")

    for idx, (kind, value, label) in enumerate(kinds):
        if kind != "item":
            pending.append(idx)
            continue
        assert value is not None
        expected = len(items) + 1 if not items else items[-1].number + 1
        gap = value - expected
        if gap > 0 and items and len(pending) == gap:
            for k, p in enumerate(pending):
                what = "项的序号在采集时丢失" if kinds[p][0] == "text" else f"项的序号写作 {kinds[p][2]!r}"
                take(p, expected + k, what)
        elif gap > 0 and items:
            for k, p in enumerate(q for q in pending if kinds[q][0] == "lost"):
                take(p, expected + k, f"项的序号写作 {kinds[p][2]!r}")
            expected = items[-1].number + 1
            if value > expected:
                missing = "、".join(rebuilt(n) for n in range(expected, value))
                notes.append(f"第 {body[idx][0]} 行：项跳到 {label}；未找到：{missing}")
        elif gap > 0:
            missing = "、".join(rebuilt(n) for n in range(1, value))
            notes.append(f"第 {body[idx][0]} 行：项从 {label} 开始；未找到：{missing}")
        elif value < expected:
            notes.append(f"第 {body[idx][0]} 行：{label} 不接续前面的项（应为 {rebuilt(expected)}），作为正文保留")
            pending.append(idx)
            continue
        items.append(Item(value, label, body[idx][1]))
        pending = []

    if items and pending:
        trailing = list(pending)
        lost_run = 0
        for p in trailing:
            if kinds[p][0] != "lost":
                break
            take(p, items[-1].number + 1, f"项的序号写作 {kinds[p][2]!r}")
            lost_run += 1
        rest = trailing[lost_run:]
        if lost_run and len(rest) == 1 and rest[0] == len(body) - 1:
            # The list already shows labels lost in capture, and this unlabelled line ends
            # the article right after it: it is the list's last item.
            take(rest[0], items[-1].number + 1, "列举的最后一行没有序号（这一列举的序号在采集时丢失）")
    return tuple(items), notes


# --------------------------------------------------------------------------- header facts


def _iso(year: str, month: str, day: str) -> str | None:
    try:
        return dt.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def _dates_in(text: str) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for pattern in (_DATE_CN, _DATE_ISO):
        for m in pattern.finditer(text):
            iso = _iso(*m.groups())
            if iso:
                found.append((m.start(), iso))
    return sorted(found)


def _labelled_dates(lines: list[str]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    roles = (
        ("published", re.compile(r"发布日期|发布时间|發布日期|發布時間|发布于|發布於")),
        ("written", re.compile(r"成文日期|成文時間|成文时间")),
    )
    for line in lines:
        for role, label in roles:
            for m in label.finditer(line):
                after = _dates_in(line[m.end() :])
                if after:
                    out.append((role, after[0][1]))
        for m in _DATE_CN.finditer(line):
            tail = line[m.end() : m.end() + 40]
            if re.search(r"(会议|會議)[^,，。]{0,6}(审议)?(通过|通過)|(審議)通過", tail):
                iso = _iso(*m.groups())
                if iso:
                    out.append(("adopted", iso))
        if _is_date_only(line):
            dates = _dates_in(line)
            if dates:
                out.append(("signed", dates[0][1]))
    return list(dict.fromkeys(out))


def _doc_number(header: list[str]) -> str | None:
    """The document number (文号) of the page header: a labelled one first, else the first one."""
    found: list[tuple[bool, str]] = []
    for line in header:
        for m in _DOC_NUMBER.finditer(line):
            issuer = m.group(1)
            # The run of characters before 〔 may start inside prose ("印发鄂州政发"): keep what follows 发.
            cut = max(issuer.rfind("发", 0, len(issuer) - 1), issuer.rfind("發", 0, len(issuer) - 1))
            if cut >= 0:
                issuer = issuer[cut + 1 :]
            before = line[: m.end(1) - len(issuer)]
            labelled = _NUMBER_LABEL.search(before) is not None
            found.append((labelled, issuer + "".join(m.group(2, 3, 4, 5, 6))))
    for labelled, number in found:
        if labelled:
            return number
    return found[0][1] if found else None


def _title(header: list[str], all_lines: list[str]) -> str | None:
    standalone = [
        re.sub(r"\s+", "", line)
        for line in header
        if _TITLE_LINE.fullmatch(re.sub(r"\s+", "", line)) and not re.match(r"[关關][于於]", re.sub(r"\s+", "", line))
    ]
    if standalone:
        return standalone[-1]
    for line in all_lines:
        m = _NOTICE_TITLE.search(line)
        if m:
            return re.sub(r"\s+", "", m.group(1))
    return None


# --------------------------------------------------------------------------- segment


def _region_start(lines: list[str], style: str) -> int:
    make = _tiao_candidate if style == "tiao" else _dun_candidate
    cands = [make(line) for line in lines]
    firsts = [i for i, c in enumerate(cands) if c is not None and c.value == 1]
    headers = [i for i, c in enumerate(cands) if c is not None and c.strong and c.value is not None]
    for i in range(len(lines)):
        if isinstance(_chapter_heading(lines, i), _Chapter):
            # An excerpt (no article numbered 1) may hold articles before its first chapter heading.
            return headers[0] if not firsts and headers and headers[0] < i else i
    if not firsts:
        return headers[0] if headers else 0
    titles = [i for i, line in enumerate(lines[: firsts[-1]]) if _TITLE_LINE.fullmatch(re.sub(r"\s+", "", line))]
    return titles[-1] + 1 if titles else 0


def _compare_copies(block: _DupBlock, drafts: dict[int, _Draft], style: str) -> str:
    def label(n: int) -> str:
        return f"第{to_chinese_numeral(n)}条" if style == "tiao" else to_chinese_numeral(n)

    extra: list[str] = []
    differ: list[str] = []
    for dup in block.drafts:
        first = drafts[dup.number]
        a = re.sub(r"\s+", "", "".join(t for _, t in first.lines))
        b = re.sub(r"\s+", "", "".join(t for _, t in dup.lines))
        if a == b or _t2s(a) == _t2s(b):
            continue
        if len(a) > _COMPARE_CHARS or len(b) > _COMPARE_CHARS:
            first.notes.append(
                f"第 {dup.line} 行：重复出现，两份不同；篇幅过长（超过 {_COMPARE_CHARS:,} 字），"
                "无法逐字比较；保留第一份"
            )
            differ.append(label(dup.number))
            continue
        ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
        if all(op in ("equal", "delete", "insert") for op, *_ in ops):
            only_first = [a[i1:i2] for op, i1, i2, _, _ in ops if op == "delete"]
            only_second = [b[j1:j2] for op, _, _, j1, j2 in ops if op == "insert"]
            parts = []
            if only_first:
                parts.append(f"此份有而重复的一份没有：{'、'.join(only_first)}")
            if only_second:
                parts.append(f"重复的一份有而此份没有：{'、'.join(only_second)}")
            first.notes.append(
                f"第 {dup.line} 行：重复出现；去掉只见于一份的字（可能是混入的）后两份一致：{'；'.join(parts)}"
            )
            extra.append(f"{label(dup.number)} {'/'.join(only_first + only_second)}")
        else:
            first.notes.append(f"第 {dup.line} 行：重复出现，两份不同；保留第一份")
            differ.append(label(dup.number))

    nums = [d.number for d in block.drafts]
    firsts = [drafts[n].line for n in nums]
    span = f"{label(nums[0])}–{label(nums[-1])}" if len(nums) > 1 else label(nums[0])
    end_line = block.drafts[-1].lines[-1][0]
    text = f"{span}（共 {len(nums)} 条）在第 {block.start}–{end_line} 行再次出现；保留第一份（自第 {min(firsts)} 行起）"
    if block.chapters:
        text += f"；重复部分还重复了章标题 {block.chapters[0]} 至 {block.chapters[-1]}"
    if differ:
        text += f"；两份在 {'、'.join(differ)} 不同"
    if extra:
        text += "；去掉只见于一份的字（可能是混入的）后两份一致：" + "；".join(extra)
    elif not differ:
        text += "；规范化后两份一致"
    return text


def segment(text: str) -> Segmented:
    """Split a rules text into chapters, articles and items, repairing what capture garbled."""
    if len(text) > MAX_CHARS:
        raise GovruleError(
            f"规则原文有 {len(text):,} 个字符；scaffold 最多读取 {MAX_CHARS:,} 个"
            "（规则文件远比这短：请拆分文件，或删去不属于规则的内容）"
        )
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    notes: list[str] = []
    pinyin = _PINYIN.findall(text)
    if pinyin:
        example = _PINYIN.search(text)
        assert example is not None
        sample = text[example.start() - 1 : example.end()]
        notes.append(f"字后的 {len(pinyin)} 处拼音标注（如 {sample}）是格式转换留下的，已去掉")
        text = _PINYIN.sub("", text)
    lines = text.split("\n")

    tiao = sum(1 for line in lines if _TIAO_STRONG.match(line))
    dun = sum(1 for line in lines if _DUN.match(line))
    style = "tiao" if tiao > dun else "dun"

    start = _region_start(lines, style)
    seg = _Segmenter(lines, style)
    seg.run(start)
    if not seg.order:
        notes.append("未找到条标题")
    notes.extend(seg.notes)

    duplicates = tuple(_compare_copies(block, seg.drafts, style) for block in seg.blocks)

    articles = []
    for draft in sorted(seg.order, key=lambda d: d.number):
        items, item_notes = _items(draft)
        articles.append(
            Article(
                number=draft.number,
                label=seg.label(draft.number),
                chapter=draft.chapter,
                text="\n".join(t for _, t in draft.lines).strip(),
                items=items,
                line=draft.line,
                notes=tuple(draft.notes + item_notes),
            )
        )

    first_article = min((d.line for d in seg.order), default=len(lines) + 1) - 1
    header = lines[:first_article]
    for i in range(min(start, first_article)):
        heading = _chapter_heading(lines, i)
        if isinstance(heading, str):
            notes.append(f"第 {i + 1} 行：{_short(lines[i])} 是{heading}，已略过")

    all_dates: list[str] = []
    for line in lines:
        for _, iso in _dates_in(line):
            if iso not in all_dates:
                all_dates.append(iso)
    for i, line in enumerate(lines):
        for m in _BARE_DATE.finditer(line):
            readings = _garbled_date_readings(m.group(0))
            if readings:
                notes.append(
                    f"第 {i + 1} 行：{m.group(0)!r} 像是采集时丢失了年/月/日的日期（{' 或 '.join(readings)}？），未读取"
                )

    return Segmented(
        articles=tuple(articles),
        chapters=tuple(seg.chapters),
        style=style,
        number=_doc_number(header),
        dates=tuple(all_dates),
        title=_title(header, header),
        script=_detect_script(text),
        duplicates=duplicates,
        notes=_capped(notes),
        labelled_dates=tuple(_labelled_dates(header + _tail(lines, seg))),
        preamble=tuple(line.strip() for line in header if line.strip()),
    )


#: At most this many notes are reported; a text that needs more is not a rules document as captured.
MAX_NOTES = 100


def _capped(notes: list[str]) -> tuple[str, ...]:
    if len(notes) <= MAX_NOTES:
        return tuple(notes)
    return (*notes[:MAX_NOTES], f"……另有 {len(notes) - MAX_NOTES:,} 条类似的提示，未列出")


def _garbled_date_readings(digits: str) -> list[str]:
    """The dates a digit run like "2023228" can stand for once 年/月/日 are put back."""
    year, rest = digits[:4], digits[4:]
    readings = []
    for cut in range(1, len(rest)):
        month, day = rest[:cut], rest[cut:]
        if month.startswith("0") or day.startswith("0") or len(month) > 2 or len(day) > 2:
            continue
        iso = _iso(year, month, day)
        if iso:
            readings.append(iso)
    return readings


def _tail(lines: list[str], seg: _Segmenter) -> list[str]:
    """The lines after the last article's text: a signature and date may stand there."""
    last = max((ln for d in seg.order for ln, _ in d.lines), default=len(lines))
    for block in seg.blocks:
        last = max([last] + [ln for d in block.drafts for ln, _ in d.lines])
    return lines[last:]


def segment_file(path: str | os.PathLike[str]) -> Segmented:
    """Read a UTF-8 text file and segment it; GovruleError if it cannot be read or decoded."""
    try:
        size = os.path.getsize(path)
        if size > 4 * MAX_CHARS:
            raise GovruleError(
                f"规则原文文件 {os.fspath(path)!r} 有 {size:,} 字节；scaffold 最多读取 {MAX_CHARS:,} 个字符"
            )
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise GovruleError(f"无法读取规则原文文件 {os.fspath(path)!r}：{exc.strerror or exc}") from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise GovruleError(
            f"规则原文文件 {os.fspath(path)!r} 不是 UTF-8 编码：第 {exc.start} 个字节（{data[exc.start]:#04x}）"
            "无法解码；请先将文件转为 UTF-8"
        ) from exc
    return segment(text)


# --------------------------------------------------------------------------- scaffold

_COMMENT_WIDTH = 64
_ID = re.compile(r"[a-z][a-z0-9_]*")


def _display_width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def _wrap(text: str, width: int = _COMMENT_WIDTH) -> list[str]:
    """Cut text into lines at most ``width`` display columns wide, between words or CJK characters."""
    out: list[str] = []
    for paragraph in text.split("\n"):
        cur, used = "", 0
        # A token is a run of ASCII non-space characters (a word), a run of spaces, or one other character.
        for token in re.findall(r"[!-~]+|[ \t]+|.", paragraph):
            w = sum(_display_width(ch) for ch in token)
            if used + w > width and cur.strip():
                out.append(cur.rstrip())
                cur, used = "", 0
                if token.isspace():
                    continue
            while w > width:  # a single word wider than a line
                out.append(token[:width])
                token = token[width:]
                w = len(token)
            cur += token
            used += w
        out.append(cur.rstrip())
    return out


def _comment(text: str, indent: str, prefix: str = "") -> list[str]:
    """Render text as YAML comment lines; continuation lines are indented under the prefix."""
    clean = "".join(ch if ch == "\n" or unicodedata.category(ch)[0] != "C" else " " for ch in text)
    pieces = _wrap(clean, _COMMENT_WIDTH - len(prefix))
    hang = " " * len(prefix)
    return [f"{indent}# {prefix if k == 0 else hang}{piece}".rstrip() for k, piece in enumerate(pieces)]


def _q(value: str | None) -> str:
    return "null" if value is None else json.dumps(value, ensure_ascii=False)


def ruleset_id_from(path: str | os.PathLike[str]) -> str:
    """A ruleset id made from a file name (``Ezhou Rules-2018.txt`` -> ``ezhou_rules_2018``).

    Raises GovruleError, asking for ``--id``, when the name holds no ASCII letter to start one
    (``鄂州市规则.txt``).
    """
    stem = os.path.splitext(os.path.basename(os.fspath(path)))[0].lower()
    words = re.findall(r"[a-z0-9]+", stem)
    rid = "_".join(words).lstrip("0123456789_")[:64].rstrip("_")
    if not _ID.fullmatch(rid):
        raise GovruleError(
            f"无法从文件名 {os.path.basename(os.fspath(path))!r} 得出规则集 id："
            "请用 --id 指定（ASCII 小写字母、数字和下划线，如 --id ezhou）"
        )
    return rid


_TODO_REASON = "TODO 尚未编码"
_HEADS = (
    ("州长", "prefecture"),
    ("盟长", "prefecture"),
    ("专员", "prefecture"),
    ("旗长", "banner"),
    ("县长", "county"),
    ("区长", "district"),
    ("市长", "city"),
    ("省长", "province"),
)


def _guess_level(seg: Segmented) -> tuple[str, str | None]:
    """The level of government and its head's title, from the title the text most often names."""
    whole = _t2s("\n".join((seg.title or "", *(a.text for a in seg.articles))))
    counts = [(whole.count(title), title, level) for title, level in _HEADS]
    best = max(counts)
    return (best[2], best[1]) if best[0] else ("city", None)


def scaffold(seg: Segmented, *, ruleset_id: str, source: str) -> str:
    """Write a YAML ruleset skeleton (id, kind, meta, coverage) for a segmented text."""
    if not isinstance(ruleset_id, str) or not _ID.fullmatch(ruleset_id):
        raise GovruleError(f"ruleset_id={ruleset_id!r} is not an ASCII snake_case id (e.g. 'ezhou')")
    dates = dict(reversed(seg.labelled_dates))  # the first date of each role wins
    published = dates.get("published") or dates.get("signed")
    whole = "\n".join(a.text for a in seg.articles)

    out: list[str] = []
    out += _comment(
        f"Ruleset skeleton for {seg.title or 'an untitled rules text'}, "
        f"generated by govrule.segment.scaffold from {source}.",
        "",
    )
    out += _comment(
        f"{len(seg.articles)} articles ({'第N条' if seg.style == 'tiao' else 'N、'} numbering, "
        f"{seg.script} script), {len(seg.chapters)} chapters. Encode each article's rules and "
        "mark its coverage entry encoded (with rule ids) or principle.",
        "",
    )
    if any(word in (seg.title or "") for word in ("补充", "補充")):
        out += _comment("The title says this is a supplement: set kind: supplement and name what it supplements.", "")
    for line in seg.duplicates:
        out += _comment(line, "", "重复：")
    for line in seg.notes:
        out += _comment(line, "", "提示：")
    if seg.dates:
        out += _comment("dates in the text: " + ", ".join(seg.dates), "")
    level, head = _guess_level(seg)
    out += _comment(
        "The skeleton validates as it is; every value still to be checked or written is marked TODO.",
        "",
    )
    out.append("format: 2")
    out.append(f"id: {_q(ruleset_id)}")
    out.append("kind: base")
    out.append("meta:")
    out.append(
        f"  title: {_q(seg.title or 'TODO 标题')}" + ("" if seg.title else "  # TODO: no title found in the text")
    )
    out.append(f"  number: {_q(seg.number)}")
    out.append('  jurisdiction: "TODO"  # TODO: e.g. 鄂州市, 乌海市海南区')
    out.append(f"  level: {level}  # TODO: {'guessed from ' + head if head else 'not found in the text'}")
    out.append(f"  adopted: {_q(dates.get('adopted'))}")
    published_note = ""
    if published and not dates.get("published"):
        published_note = "  # the date under the signature"
    out.append(f"  published: {_q(published)}{published_note}")
    if dates.get("signed") and dates.get("signed") != published:
        out += _comment(f"signed: {dates['signed']} (the date under the signature)", "  ")
    if dates.get("written") and dates.get("written") != published:
        out += _comment(f"成文日期 on the page: {dates['written']}", "  ")
    if re.search(r"自(发布|印发|下发|發布|印發|下發)之日起(施行|执行|執行)", whole):
        out += _comment("the text takes effect on issuance (自…之日起施行): effective is the issue date", "  ")
    out.append("  effective: null")
    if _ABOLISHED.search("\n".join(seg.preamble)):
        out += _comment("the page marks the document abolished", "  ")
    out.append("  abolished: null")
    out.append("  status: unknown  # TODO: in_force or abolished, as the page says")
    out.append(f"  source: {_q(source)}")
    out.append("roles:")
    out.append(f"  head: {{label: {_q(head or 'TODO')}}}  # TODO: the other roles the articles name")
    out.append("coverage:")
    if not seg.articles:
        out[-1] = "coverage: []"
    for art in seg.articles:
        out.append(f"  - {{article: {_q(art.label)}, status: not_encoded, reason: {_q(_TODO_REASON)}}}")
        out += _comment(art.text, "    ")
        for note in art.notes:
            out += _comment(note, "    ", "提示：")
    return "\n".join(out) + "\n"
