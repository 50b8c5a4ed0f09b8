"""Tests of govrule.segment: numerals, the five captured sources, synthetic edge cases, scaffold."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
import yaml

from govrule.errors import GovruleError
from govrule.segment import (
    Segmented,
    chinese_numeral,
    scaffold,
    segment,
    segment_file,
    to_chinese_numeral,
)

SOURCES = Path(__file__).resolve().parents[2] / "shared" / "sources"
NAMES = ("ezhou", "rizhao", "chongqing", "wuhai_hainan", "panjin_supplement")
PINYIN = re.compile(r"[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}[)）]")

needs_sources = pytest.mark.skipif(
    not SOURCES.is_dir(),
    reason=f"the captured source texts are not at {SOURCES} (expected ../shared/sources next to the repository)",
)

_cache: dict[str, Segmented] = {}


def source(name: str) -> Segmented:
    if name not in _cache:
        _cache[name] = segment_file(SOURCES / f"{name}.txt")
    return _cache[name]


def numbers(seg: Segmented) -> list[int]:
    return [a.number for a in seg.articles]


# --------------------------------------------------------------------------- numerals


def test_chinese_numerals_round_trip_from_1_to_199() -> None:
    for n in range(1, 200):
        assert chinese_numeral(to_chinese_numeral(n)) == n


def test_chinese_numerals_round_trip_up_to_999() -> None:
    assert [chinese_numeral(to_chinese_numeral(n)) for n in range(1, 1000)] == list(range(1, 1000))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("一", 1),
        ("十", 10),
        ("十一", 11),
        ("二十", 20),
        ("五十六", 56),
        ("九十九", 99),
        ("一百", 100),
        ("一百零三", 103),
        ("一百〇三", 103),
        ("一百一十", 110),
        ("一百九十九", 199),
    ],
)
def test_chinese_numeral_reads_the_forms_rules_texts_use(text: str, value: int) -> None:
    assert chinese_numeral(text) == value
    assert to_chinese_numeral(value) == text.replace("〇", "零")


@pytest.mark.parametrize("text", ["", "零", "六三", "十十", "一十一", "二十十", "百", "abc", "五十条", "1"])
def test_chinese_numeral_rejects_what_is_not_a_numeral(text: str) -> None:
    with pytest.raises(ValueError, match="not a Chinese numeral"):
        chinese_numeral(text)


@pytest.mark.parametrize("n", [0, -1, 1000, True])
def test_to_chinese_numeral_rejects_numbers_out_of_range(n: int) -> None:
    with pytest.raises(ValueError, match="n="):
        to_chinese_numeral(n)


# --------------------------------------------------------------------------- ezhou


@needs_sources
def test_ezhou_has_82_dun_articles_numbered_without_gaps() -> None:
    seg = source("ezhou")
    assert seg.style == "dun"
    assert numbers(seg) == list(range(1, 83))
    assert [a.label for a in seg.articles[:3]] == ["一", "二", "三"]
    assert seg.articles[-1].label == "八十二"
    assert seg.duplicates == ()
    assert all(a.notes == () for a in seg.articles)


@needs_sources
def test_ezhou_article_56_lists_seven_signing_items() -> None:
    art = source("ezhou").article("五十六")
    assert art.number == 56
    assert [i.number for i in art.items] == list(range(1, 8))
    assert [i.label for i in art.items] == [f"({to_chinese_numeral(n)})" for n in range(1, 8)]
    assert art.items[0].text.startswith("(一)以市政府名义报省政府的请示")
    assert art.chapter == "第九章 公文处理"


@needs_sources
def test_ezhou_article_49_keeps_its_continuation_line() -> None:
    art = source("ezhou").article(49)
    assert art.text.startswith("四十九、市政府全体会议、常务会议和市长办公会议的纪要")
    assert "5个工作日" in art.text
    assert art.line == 103


@needs_sources
def test_ezhou_header_facts_are_read_from_the_page_not_the_preamble() -> None:
    seg = source("ezhou")
    assert seg.number == "鄂州政发〔2018〕18号"
    assert seg.title == "鄂州市人民政府工作规则"
    assert seg.script == "simplified"
    assert seg.dates == ("2018-12-04", "2018-11-21")
    assert ("published", "2018-12-04") in seg.labelled_dates
    assert ("signed", "2018-11-21") in seg.labelled_dates
    assert len(seg.chapters) == 12
    assert seg.chapters[0] == "第一章 总则"
    assert seg.articles[0].chapter == "第一章 总则"
    assert "扫一扫" not in seg.articles[-1].text


# --------------------------------------------------------------------------- rizhao


@needs_sources
def test_rizhao_has_60_tiao_articles_ending_with_the_repeal() -> None:
    seg = source("rizhao")
    assert seg.style == "tiao"
    assert numbers(seg) == list(range(1, 61))
    last = seg.articles[-1]
    assert last.label == "第六十条"
    assert "日政发〔2012〕8号" in last.text
    assert ".pdf" not in last.text
    assert all(a.notes == () for a in seg.articles)


@needs_sources
def test_rizhao_article_50_has_six_items() -> None:
    art = source("rizhao").article("第五十条")
    assert [i.number for i in art.items] == list(range(1, 7))
    assert art.items[-1].text == "(六)以市政府办公室名义制发的公文,由市政府办公室主任签发。"


@needs_sources
def test_rizhao_header_facts() -> None:
    seg = source("rizhao")
    assert seg.number == "日政发〔2017〕6号"
    assert seg.title == "日照市人民政府工作规则"
    assert ("adopted", "2017-03-15") in seg.labelled_dates
    assert ("signed", "2017-04-11") in seg.labelled_dates
    assert "2012-04-07" in seg.dates
    assert seg.chapters[3] == "第四章 推进“互联网+政务服务”"


# --------------------------------------------------------------------------- chongqing


@needs_sources
def test_chongqing_keeps_each_of_its_63_articles_once() -> None:
    seg = source("chongqing")
    assert seg.style == "dun"
    assert seg.script == "traditional"
    assert numbers(seg) == list(range(1, 64))
    assert seg.article(13).line == 33
    assert seg.article(63).line == 141
    assert "相關詞條" not in seg.articles[-1].text


@needs_sources
def test_chongqing_reports_the_repeated_block_once() -> None:
    seg = source("chongqing")
    assert len(seg.duplicates) == 1
    report = seg.duplicates[0]
    assert "十三–六十三" in report
    assert "（共 51 条）" in report
    assert "在第 142–250 行再次出现" in report
    for injected in ("少殃再", "棕厚拘陵", "整付嬸"):
        assert injected in report


@needs_sources
def test_chongqing_notes_the_characters_only_the_first_copy_has() -> None:
    seg = source("chongqing")
    art17 = seg.article("十七")
    assert "棕厚拘陵" in art17.text  # the first copy is the one kept
    assert any("棕厚拘陵" in note and "整付嬸" in note and "第 150 行" in note for note in art17.notes)
    assert any("少殃再" in note for note in seg.article(16).notes)
    # Copies that agree need no note of their own: the block report covers them.
    assert seg.article(13).notes == ()


@needs_sources
def test_chongqing_chapters_come_from_split_headings_and_are_not_repeated() -> None:
    seg = source("chongqing")
    assert len(seg.chapters) == 12
    assert seg.chapters[0] == "第一章 總則"
    assert seg.chapters[9] == "第十章 嚴格公文審批"
    assert seg.article(51).chapter == "第十章 嚴格公文審批"
    assert any("第 7 行" in note and "章号的列举" in note for note in seg.notes)


@needs_sources
def test_chongqing_article_51_has_four_items() -> None:
    art = source("chongqing").article("五十一")
    assert [i.number for i in art.items] == [1, 2, 3, 4]
    assert art.items[0].text.startswith("(一)下列公文由市長簽發")


@needs_sources
def test_chongqing_has_no_document_number_or_dates() -> None:
    seg = source("chongqing")
    assert seg.number is None
    assert seg.dates == ()
    assert seg.title == "重慶市人民政府工作規則"


# --------------------------------------------------------------------------- wuhai_hainan


@needs_sources
def test_wuhai_has_88_articles_the_last_abolishing_the_2021_rules() -> None:
    seg = source("wuhai_hainan")
    assert seg.style == "tiao"
    assert numbers(seg) == list(range(1, 89))
    last = seg.article("第八十八条")
    assert "海南政发〔2021" in last.text
    assert "文件下载" not in last.text
    assert len(seg.chapters) == 13


@pytest.mark.parametrize(
    ("number", "line", "captured", "text"),
    [
        (16, 102, "'六条'", "注重公共服务"),
        (23, 132, "'二十三'", "健全完善区政府规范性文件备案制度"),
        (24, 136, "'第二十四'", "区政府签订行政合同"),
        (25, 138, "'二十五'", "健全完善区政府法律顾问制度"),
        (26, 140, "'二十六条'", "严格规范公正文明执法"),
        (43, 196, "'四十三'", "重视信访工作"),
        (45, 206, "'四十五'", "区政府实行全体会议"),
        (48, 234, "'第四十八'", "长办公会议由长"),
        (49, 246, "'四十'", "政府专题会议一般由区长"),
        (50, 248, "'第五十'", "对需提交区政府常务会议研究的议题"),
        (53, 258, "'第五'", "区政府常务会议、区长办公会议的纪要"),
        (58, 286, "'第五十八'", "报送区政府的请示性公文"),
        (63, 300, "'第六三条'", "严格执行发文计划"),
    ],
)
@needs_sources
def test_wuhai_garbled_headers_are_repaired_with_a_note(number: int, line: int, captured: str, text: str) -> None:
    art = source("wuhai_hainan").article(number)
    assert art.line == line
    assert text in art.text.splitlines()[0]
    assert any(f"第 {line} 行" in note and captured in note for note in art.notes), art.notes


@needs_sources
def test_wuhai_every_header_that_lost_characters_has_a_note() -> None:
    seg = source("wuhai_hainan")
    noted = {a.number for a in seg.articles if any("条标题" in n for n in a.notes)}
    assert noted == {1, 16, 23, 24, 25, 26, 43, 45, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 63}
    assert seg.article(2).notes == ()


@needs_sources
def test_wuhai_article_1_lost_its_header_and_is_recovered_from_its_place() -> None:
    art = source("wuhai_hainan").article(1)
    assert art.label == "第一条"
    assert art.line == 40
    assert art.text.startswith("加强和改进工作")
    assert art.chapter == "第一章 总则"
    assert any("条标题在采集时丢失" in note for note in art.notes)


@needs_sources
def test_wuhai_items_whose_labels_were_lost_are_numbered_from_the_list() -> None:
    seg = source("wuhai_hainan")
    art47 = seg.article(47)
    assert [i.number for i in art47.items] == list(range(1, 9))
    assert art47.items[3].text.startswith("讨论需提交区委常委会会议")
    assert art47.items[5].text.startswith(")讨论决定区政府日常工作")
    assert sum("项" in n for n in art47.notes) == 4
    art48 = seg.article(48)
    assert [i.number for i in art48.items] == [1, 2, 3, 4, 5]
    assert art48.items[4].text == "研究区政府日常工作中的的其他重要事项。"
    assert [len(seg.article(n).items) for n in (4, 65, 69)] == [8, 7, 8]


@needs_sources
def test_wuhai_header_facts_and_garbled_dates() -> None:
    seg = source("wuhai_hainan")
    assert seg.number == "海南政办发〔2023〕8号"
    assert seg.title == "乌海市海南区人民政府工作规则"
    assert ("published", "2023-02-28") in seg.labelled_dates
    assert ("written", "2023-03-28") in seg.labelled_dates
    assert any("'2023228'" in n and "2023-02-28" in n for n in seg.notes)
    assert any("'202147'" in n and "2021-04-07" in n for n in seg.notes)


# --------------------------------------------------------------------------- panjin_supplement


@needs_sources
def test_panjin_has_15_articles_without_pinyin_artifacts() -> None:
    seg = source("panjin_supplement")
    assert seg.style == "dun"
    assert seg.script == "traditional"
    assert numbers(seg) == list(range(1, 16))
    for art in seg.articles:
        assert not PINYIN.search(art.text), art.label
    assert "本規定自下發之日起執行" in seg.article(15).text
    assert "盤錦市人民政府辦公室" not in seg.article(15).text
    assert any("拼音标注" in n for n in seg.notes)


@needs_sources
def test_panjin_header_facts() -> None:
    seg = source("panjin_supplement")
    assert seg.number == "盤政辦發〔2015〕142號"
    assert seg.title == "盤錦市人民政府工作規則補充規定"
    assert seg.chapters == ()
    assert seg.articles[0].chapter is None
    assert ("published", "2015-12-31") in seg.labelled_dates
    assert ("signed", "2015-12-30") in seg.labelled_dates
    assert not any(PINYIN.search(line) for line in seg.preamble)


# --------------------------------------------------------------------------- synthetic texts


NOTICE_WITH_ENUMERATION = """\
某市人民政府关于印发《某市人民政府工作规则》的通知
各区人民政府,市政府各部门:
  现将有关事项通知如下:
  一、请认真贯彻执行。
  二、执行中的问题及时报告。
                                某市人民政府
                                2020年1月2日
某市人民政府工作规则
一、为规范市政府工作,制定本规则。
二、市政府实行市长负责制。
  三十年来的经验表明,必须坚持依法行政。
  一、这一行看似标题,其实是正文。
三、市政府常务会议的主要任务是:
（一）讨论决定重大事项;
（二）审议规章草案。
  会议一般每月召开一次。
四、本规则自发布之日起施行。
扫一扫在手机上查看当前页面
"""


def test_a_notice_enumeration_before_the_title_is_not_an_article() -> None:
    seg = segment(NOTICE_WITH_ENUMERATION)
    assert [a.number for a in seg.articles] == [1, 2, 3, 4]
    assert seg.articles[0].text == "一、为规范市政府工作,制定本规则。"
    assert seg.title == "某市人民政府工作规则"
    assert seg.number is None
    assert ("signed", "2020-01-02") in seg.labelled_dates


def test_numerals_in_prose_and_out_of_order_headers_stay_in_the_article() -> None:
    seg = segment(NOTICE_WITH_ENUMERATION)
    art2 = seg.article(2)
    assert "三十年来的经验表明" in art2.text
    assert "一、这一行看似标题" in art2.text
    assert seg.duplicates == ()


def test_full_width_item_labels_and_trailing_text() -> None:
    art = segment(NOTICE_WITH_ENUMERATION).article(3)
    assert [(i.number, i.label) for i in art.items] == [(1, "（一）"), (2, "（二）")]
    assert art.text.endswith("会议一般每月召开一次。")
    assert segment(NOTICE_WITH_ENUMERATION).article(4).text == "四、本规则自发布之日起施行。"


def test_a_repeated_article_that_differs_is_reported_as_differing() -> None:
    text = (
        "第一章 总则\n一、市政府实行市长负责制,市长领导市政府工作。\n二、副市长协助市长工作。\n"
        "三、秘书长处理日常工作。\n二、副市长协助市长工作,并分管有关部门。\n三、秘书长处理日常工作。\n"
    )
    seg = segment(text)
    assert [a.number for a in seg.articles] == [1, 2, 3]
    assert len(seg.duplicates) == 1
    assert "在第 5–6 行再次出现" in seg.duplicates[0]
    assert seg.article(2).text == "二、副市长协助市长工作。"
    assert any("第 5 行" in n for n in seg.article(2).notes)


def test_a_garbled_tiao_header_is_believed_only_when_the_next_header_confirms_it() -> None:
    body = "第一条  总则。\n第二条  组成。\n十  其他。\n第三条  会议。\n"
    seg = segment(body)
    assert [a.number for a in seg.articles] == [1, 2, 3]
    assert "十  其他。" in seg.article(2).text
    seg = segment("第一条  总则。\n第二条  组成。\n三  会议。\n第四条  公文。\n")
    assert [a.number for a in seg.articles] == [1, 2, 3, 4]
    assert any("采集时丢失了“第”和“条”" in n for n in seg.article(3).notes)


def test_a_missing_article_is_reported_as_a_gap() -> None:
    seg = segment("第一条  总则。\n第二条  组成。\n第四条  公文。\n")
    assert [a.number for a in seg.articles] == [1, 2, 4]
    assert any("未找到：第三条" in n for n in seg.notes)


def test_crlf_and_byte_order_mark_are_accepted() -> None:
    seg = segment("\ufeff第一章 总则\r\n一、总则。\r\n二、组成。\r\n")
    assert [a.text for a in seg.articles] == ["一、总则。", "二、组成。"]


def test_text_without_headers_yields_no_articles() -> None:
    seg = segment("这是一段没有条文的文字。\n")
    assert seg.articles == ()
    assert "未找到条标题" in seg.notes


def test_segment_file_rejects_missing_and_non_utf8_files(tmp_path: Path) -> None:
    with pytest.raises(GovruleError, match="无法读取规则原文文件"):
        segment_file(tmp_path / "missing.txt")
    bad = tmp_path / "gbk.txt"
    bad.write_bytes("一、总则。".encode("gbk"))
    with pytest.raises(GovruleError, match="不是 UTF-8 编码"):
        segment_file(bad)
    good = tmp_path / "ok.txt"
    good.write_text("一、总则。\n二、组成。\n", encoding="utf-8")
    assert len(segment_file(str(good)).articles) == 2


# --------------------------------------------------------------------------- scaffold


def _comment_text(block: list[str]) -> str:
    return "".join(re.sub(r"\s+", "", line.strip()[1:]) for line in block)


def _width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in line)


@needs_sources
@pytest.mark.parametrize("name", NAMES)
def test_scaffold_is_yaml_covering_every_article_once(name: str) -> None:
    seg = source(name)
    text = scaffold(seg, ruleset_id=name, source=f"{name}.txt")
    data = yaml.safe_load(text)
    assert set(data) == {"format", "id", "kind", "meta", "roles", "coverage"}
    assert data["id"] == name
    assert data["kind"] == "base"
    assert data["meta"]["title"] == (seg.title or "TODO 标题")
    assert data["meta"]["number"] == seg.number
    assert data["meta"]["source"] == f"{name}.txt"
    labels = [entry["article"] for entry in data["coverage"]]
    assert labels == [a.label for a in seg.articles]
    assert len(set(labels)) == len(labels)
    assert all(entry["status"] == "not_encoded" and "TODO" in entry["reason"] for entry in data["coverage"])
    for key in ("adopted", "published", "effective", "abolished"):
        value = data["meta"][key]
        assert value is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)
    assert all(_width(line) <= 80 for line in text.splitlines())


@needs_sources
@pytest.mark.parametrize("name", NAMES)
def test_scaffold_comments_keep_each_article_whole(name: str) -> None:
    seg = source(name)
    lines = scaffold(seg, ruleset_id=name, source=f"{name}.txt").splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("  - {article:")]
    for art, start, end in zip(seg.articles, starts, [*starts[1:], len(lines)], strict=True):
        block: list[str] = []
        for ln in lines[start + 1 : end]:
            if ln.startswith("    # 提示："):
                break
            block.append(ln)
        assert _comment_text(block) == re.sub(r"\s+", "", art.text)


@needs_sources
def test_scaffold_meta_dates() -> None:
    ezhou = yaml.safe_load(scaffold(source("ezhou"), ruleset_id="ezhou", source="ezhou.txt"))["meta"]
    assert ezhou["published"] == "2018-12-04"
    rizhao = yaml.safe_load(scaffold(source("rizhao"), ruleset_id="rizhao", source="rizhao.txt"))["meta"]
    assert (rizhao["adopted"], rizhao["published"]) == ("2017-03-15", "2017-04-11")
    chongqing = yaml.safe_load(scaffold(source("chongqing"), ruleset_id="chongqing", source="x"))["meta"]
    assert chongqing["number"] is None and chongqing["published"] is None


@needs_sources
def test_scaffold_carries_repairs_and_duplicates_as_comments() -> None:
    text = scaffold(source("chongqing"), ruleset_id="chongqing", source="chongqing.txt")
    assert "# 重复：十三–六十三（共 51 条）" in text
    text = scaffold(source("wuhai_hainan"), ruleset_id="wuhai_hainan", source="wuhai_hainan.txt")
    assert "# 提示：第 246 行：条标题写作 '四十'" in text


def test_scaffold_of_a_synthetic_text_round_trips_through_yaml() -> None:
    seg = segment(NOTICE_WITH_ENUMERATION)
    data = yaml.safe_load(scaffold(seg, ruleset_id="some_city", source="some_city.txt"))
    assert [e["article"] for e in data["coverage"]] == ["一", "二", "三", "四"]
    assert data["meta"]["published"] == "2020-01-02"


def test_scaffold_of_a_text_without_articles_is_still_yaml() -> None:
    data = yaml.safe_load(scaffold(segment("没有条文。"), ruleset_id="empty", source="empty.txt"))
    assert data["coverage"] == []


@pytest.mark.parametrize("bad", ["Ezhou", "ezhou-city", "", "鄂州", "1city"])
def test_scaffold_rejects_ids_that_are_not_snake_case(bad: str) -> None:
    with pytest.raises(GovruleError, match="ruleset_id="):
        scaffold(segment("一、总则。"), ruleset_id=bad, source="x.txt")


def test_an_item_list_that_skips_labels_is_noted() -> None:
    seg = segment("一、会议任务是:\n(二)讨论重大事项;\n(三)审议规章。\n二、其他。\n")
    art = seg.article(1)
    assert [i.number for i in art.items] == [2, 3]
    assert any("项从 (二) 开始" in n for n in art.notes)
