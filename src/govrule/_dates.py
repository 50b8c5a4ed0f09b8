"""The one reading of a date given as text: ISO ``YYYY-MM-DD``, and nothing else.

``date.fromisoformat`` also takes ``20240520`` and ``2024-W21-1`` (Python 3.11); govrule's
documented input form is the calendar date with dashes, so every entry point that takes a date
as text (ruleset files, conditions, query inputs, the command line, the service, calendar files)
reads it here and refuses the other forms rather than guess.
"""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["iso_date"]

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def iso_date(text: object) -> dt.date | None:
    """The date an ISO ``YYYY-MM-DD`` string names (surrounding spaces allowed), or None for anything else."""
    if type(text) is not str:
        return None
    text = text.strip()
    if _ISO_DATE.fullmatch(text) is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:  # 2024-02-30
        return None
