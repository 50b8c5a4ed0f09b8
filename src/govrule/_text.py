"""Reading a file or bytes as the UTF-8 text of a ruleset, fixture or calendar (no YAML involved).

Kept apart from the YAML reader so that a ruleset answered from its compiled form is read and
hashed without importing a YAML parser.
"""

from __future__ import annotations

import errno
import os

from .errors import Problem
from .problems_zh import say

__all__ = ["MAX_BYTES", "decode", "read_source"]

MAX_BYTES = 5 * 1024 * 1024


def read_source(file: str) -> tuple[str | None, list[Problem]]:
    """Read a file as UTF-8 text, refusing oversize files before reading them."""
    try:
        size = os.path.getsize(file)
    except OSError as exc:
        return None, [Problem(file, 1, 1, "", _unreadable(exc))]
    if size > MAX_BYTES:
        return None, [Problem(file, 1, 1, "", say("file_too_large", size=f"{size:,}", limit=f"{MAX_BYTES:,}"))]
    try:
        with open(file, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        return None, [Problem(file, 1, 1, "", _unreadable(exc))]
    return decode(raw, file)


def _unreadable(exc: OSError) -> str:
    why = {
        errno.ENOENT: "文件不存在",
        errno.EACCES: "没有读取权限",
        errno.EPERM: "没有读取权限",
        errno.EISDIR: "这是目录，不是文件",
    }.get(exc.errno or 0, f"系统报告 {exc.strerror or exc}")
    return say("cannot_read", why=why)


def decode(raw: bytes, file: str) -> tuple[str | None, list[Problem]]:
    """Decode bytes as UTF-8, locating the first bad byte."""
    if len(raw) > MAX_BYTES:
        return None, [Problem(file, 1, 1, "", say("input_too_large", limit=f"{MAX_BYTES:,}"))]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        return None, [
            Problem(
                file,
                line,
                column,
                "",
                say("not_utf8", byte=f"0x{raw[exc.start]:02x}"),
                say("not_utf8.hint"),
            )
        ]
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, []
