""" "Did you mean …?" for a misspelt word: one implementation, bounded work however many words there are.

``difflib.get_close_matches`` compares the word with every choice, and each comparison costs up
to the product of the two lengths: a file with a thousand undefined names and a thousand defined
ones made validation quadratic (a minute and more). Here the choices are indexed once by their
character bigrams; a word is compared only with the few choices that share the most bigrams with
it, and only when it resembles one closely enough is a hint given at all.
"""

from __future__ import annotations

import difflib
import functools
from collections import Counter
from collections.abc import Iterable

__all__ = ["CANDIDATES", "CUTOFF", "close_matches", "closest"]

#: How many of the best-indexed choices are compared exactly with the word.
CANDIDATES = 8
#: How alike (difflib ratio, 0..1) a choice must be to be suggested.
CUTOFF = 0.7
#: A bigram found in more choices than this is not used to find candidates (bounds the work per word).
_COMMON = 64
#: Words longer than this are not compared at all (no name in a ruleset is this long).
_MAX_LEN = 200


def _grams(word: str) -> set[str]:
    padded = f"^{word}$"
    return {padded[i : i + 2] for i in range(len(padded) - 1)}


class _Index:
    __slots__ = ("by_gram", "choices", "known")

    def __init__(self, choices: tuple[str, ...]) -> None:
        self.choices = tuple(dict.fromkeys(choices))
        self.known = frozenset(self.choices)
        choices = self.choices
        by_gram: dict[str, list[int]] = {}
        for i, choice in enumerate(choices):
            for gram in _grams(choice[:_MAX_LEN]):
                by_gram.setdefault(gram, []).append(i)
        self.by_gram = by_gram

    def closest(self, word: str) -> str | None:
        if not word or len(word) > _MAX_LEN:
            return None
        shared: Counter[int] = Counter()
        for gram in _grams(word):
            postings = self.by_gram.get(gram)
            if postings is not None and len(postings) <= _COMMON:  # a bigram many choices share tells little
                shared.update(postings)
        best: tuple[float, str] | None = None
        matcher = difflib.SequenceMatcher(b=word, autojunk=False)
        for i, _ in shared.most_common(CANDIDATES):
            choice = self.choices[i]
            matcher.set_seq1(choice)
            if matcher.real_quick_ratio() < CUTOFF or matcher.quick_ratio() < CUTOFF:
                continue
            ratio = matcher.ratio()
            if ratio >= CUTOFF and (best is None or ratio > best[0]):
                best = (ratio, choice)
        return best[1] if best else None


@functools.lru_cache(maxsize=64)
def _index(choices: tuple[str, ...]) -> _Index:
    return _Index(choices)


def closest(word: object, choices: Iterable[str]) -> str | None:
    """The choice that ``word`` most resembles, or None when none resembles it closely."""
    if not isinstance(word, str):
        return None
    key = tuple(choices)
    index = _index(key)
    if word in index.known:
        return None
    return index.closest(word)


def close_matches(word: object, choices: Iterable[str]) -> list[str]:
    """``[closest]`` or ``[]``: a drop-in for ``difflib.get_close_matches(word, choices, n=1)``."""
    close = closest(word, choices)
    return [close] if close else []
