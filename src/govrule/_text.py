"""Reading a file or bytes as the UTF-8 text of a ruleset, fixture or calendar (no YAML involved).

Kept apart from the YAML reader so that a ruleset answered from its compiled form is read and
hashed without importing a YAML parser.
"""

from __future__ import annotations

import os

from .errors import Problem

__all__ = ["MAX_BYTES", "decode", "read_source"]

MAX_BYTES = 5 * 1024 * 1024


def read_source(file: str) -> tuple[str | None, list[Problem]]:
    """Read a file as UTF-8 text, refusing oversize files before reading them."""
    try:
        size = os.path.getsize(file)
    except OSError as exc:
        return None, [Problem(file, 1, 1, "", f"cannot read file: {exc.strerror or exc}")]
    if size > MAX_BYTES:
        return None, [Problem(file, 1, 1, "", f"file is {size:,} bytes; rulesets are limited to {MAX_BYTES:,} bytes")]
    try:
        with open(file, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        return None, [Problem(file, 1, 1, "", f"cannot read file: {exc.strerror or exc}")]
    return decode(raw, file)


def decode(raw: bytes, file: str) -> tuple[str | None, list[Problem]]:
    """Decode bytes as UTF-8, locating the first bad byte."""
    if len(raw) > MAX_BYTES:
        return None, [Problem(file, 1, 1, "", f"input exceeds {MAX_BYTES:,} bytes")]
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
                f"not UTF-8: byte 0x{raw[exc.start]:02x} cannot be decoded",
                "save the file as UTF-8",
            )
        ]
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, []
