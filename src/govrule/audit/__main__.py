"""``python -m govrule.audit schema [FILE]``: write the JSON Schema of an archive record (default: standard output).

The schema file shipped in the repository is ``schema/archive.schema.json``; regenerate it after the
Document vocabulary gains a fact (each fact is a column).
"""

from __future__ import annotations

import json
import sys

from .records import json_schema


def main(argv: list[str] | None = None) -> int:
    """Write the schema; exit 2 on a usage error."""
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] != "schema" or len(args) > 2:
        sys.stderr.write("usage: python -m govrule.audit schema [FILE]\n")
        return 2
    text = json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
    if len(args) == 2:
        with open(args[1], "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
