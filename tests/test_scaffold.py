"""scaffold on texts it was not shaped by: excerpts, odd file names, existing outputs, no articles."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import govrule
from govrule import segment
from govrule.cli import main

EXTERNAL = Path(__file__).resolve().parents[2] / "shared" / "sources" / "external"


def _run(*argv: str) -> tuple[int, str, str]:
    import io

    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.skipif(not EXTERNAL.is_dir(), reason="the shared sources are not beside this checkout")
@pytest.mark.parametrize(
    ("name", "labels"),
    [
        ("zhou_excerpt.txt", [f"第{segment.to_chinese_numeral(n)}条" for n in range(26, 35)]),
        ("county_excerpt.txt", ["四十三", "四十四", "四十五", "四十六"]),
    ],
)
def test_an_excerpt_that_starts_mid_document_keeps_every_article(name: str, labels: list[str]) -> None:
    seg = segment.segment_file(EXTERNAL / name)
    assert [a.label for a in seg.articles] == labels
    assert any("excerpt" in note for note in seg.notes)


@pytest.mark.skipif(not EXTERNAL.is_dir(), reason="the shared sources are not beside this checkout")
def test_the_skeleton_validates_and_marks_what_is_left_to_do(tmp_path: Path) -> None:
    source = tmp_path / "Zhou Excerpt-2010.txt"
    shutil.copy(EXTERNAL / "zhou_excerpt.txt", source)
    target = tmp_path / "zhou.yaml"
    code, _, err = _run("scaffold", str(source), "-o", str(target))
    assert code == 0, err
    text = target.read_text(encoding="utf-8")
    assert 'id: "zhou_excerpt_2010"' in text
    assert govrule.validate(target) == ()
    assert "level: prefecture" in text and 'head: {label: "州长"}' in text
    assert text.count("status: not_encoded") == 9 and text.count("TODO") >= 9


def test_an_existing_output_is_kept_unless_forced(tmp_path: Path) -> None:
    source = tmp_path / "city.txt"
    source.write_text("第一条 市政府全体会议由市长召集和主持。\n第二条 市长签发。\n", encoding="utf-8")
    target = tmp_path / "city.yaml"
    target.write_text("keep me\n", encoding="utf-8")
    code, _, err = _run("scaffold", str(source), "-o", str(target))
    assert code == 2 and "--force" in err
    assert target.read_text(encoding="utf-8") == "keep me\n"
    code, _, _ = _run("scaffold", str(source), "-o", str(target), "--force")
    assert code == 0 and "第二条" in target.read_text(encoding="utf-8")


def test_a_name_without_ascii_letters_asks_for_an_id(tmp_path: Path) -> None:
    source = tmp_path / "鄂州市规则.txt"
    source.write_text("第一条 市长签发。\n", encoding="utf-8")
    code, _, err = _run("scaffold", str(source))
    assert code == 2 and "--id" in err
    code, out, _ = _run("scaffold", str(source), "--id", "ezhou_draft")
    assert code == 0 and 'id: "ezhou_draft"' in out


def test_a_text_without_articles_is_a_finding(tmp_path: Path) -> None:
    source = tmp_path / "notes.txt"
    source.write_text("这里没有任何条文。\n", encoding="utf-8")
    code, _, err = _run("scaffold", str(source))
    assert code == 1 and "未找到条文" in err


def test_an_oversize_text_is_refused_before_work() -> None:
    with pytest.raises(govrule.GovruleError, match="最多读取"):
        segment.segment("第一条 字\n" * (segment.MAX_CHARS // 6 + 1))


def test_the_notes_and_what_was_written_read_as_chinese(tmp_path: Path) -> None:
    """stderr names each repair or gap as `提示：第 N 行：…` and what was written, with no English sentence."""
    source = tmp_path / "city.txt"
    source.write_text("第一条  总则。\n第二条  组成。\n第四条  公文。\n", encoding="utf-8")
    target = tmp_path / "city.yaml"
    code, _, err = _run("scaffold", str(source), "-o", str(target))
    assert code == 0, err
    lines = err.splitlines()
    assert lines == [f"已写入 {target}：3 条", "提示：第 3 行：编号跳到 第四条；未找到：第三条"]
    assert "# 提示：第 3 行：编号跳到 第四条；未找到：第三条" in target.read_text(encoding="utf-8")
    assert not any(re.search(r"[A-Za-z]{4,} [a-z]{3,}", line.replace(str(tmp_path), "")) for line in lines)
