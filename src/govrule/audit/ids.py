"""Record ids: which records repeat an id an earlier record already has (the contract: ids are unique).

Two ids are the same when their text, with surrounding whitespace removed, is the same (an id
written as a number in a Parquet or JSON file is read as its text). Each id is reduced to a
128-bit key (two 64-bit halves computed from the id's UTF-8 bytes with numpy, a chunk at a time);
`SeenIds` keeps one key and the row of its first record per distinct id, so its memory grows
with the number of distinct ids (24 bytes each, about twice that while two runs are merged),
never with the records. Two different ids share a key with probability about
``n² / 2**129`` for ``n`` distinct ids: below 10⁻²⁰ for a billion records.

`SeenIds.add` takes the keys of some records, in archive order, and returns the ids' new state
and, per record, the 1-based row of the first record with the same id (0 where the record is the
first). It never changes the state it was called on, so the same function serves a loop over
chunks and a chain of Dask tasks (`govrule.audit.dask`), where a task may be run again.
The keys are kept in sorted runs, each more than twice the size of the next newer one (a
log-structured merge): a chunk's keys are sorted, looked up in each run and added as a new run,
and runs are merged as they fill, so adding ``m`` keys to ``n`` costs about ``m log n``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import struct

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["IdKeys", "SeenIds", "Sorted", "id_keys", "repeats"]

#: Ids longer than this many bytes are hashed one at a time (blake2b); shorter ones as arrays.
_WIDE = 64
_U = np.uint64
_M1, _M2 = _U(0xFF51AFD7ED558CCD), _U(0xC4CEB9FE1A85EC53)  # murmur3's 64-bit finaliser
_SEED1, _SEED2 = _U(0x9E3779B97F4A7C15), _U(0xD6E8FEB86659FD93)
_ODD = _U(0x94D049BB133111EB)
_S33, _S32 = _U(33), _U(32)


def _fmix(x: np.ndarray) -> np.ndarray:
    """Murmur3's 64-bit finaliser, in place: a bijection that spreads every input bit over the output."""
    x ^= x >> _S33
    x *= _M1
    x ^= x >> _S33
    x *= _M2
    x ^= x >> _S33
    return x


@dataclasses.dataclass(frozen=True, slots=True)
class IdKeys:
    """The 128-bit keys of the records of a chunk that have an id, where they sit in the chunk and the archive."""

    k1: np.ndarray
    k2: np.ndarray
    #: Each keyed record's 0-based position in the chunk.
    index: np.ndarray
    #: Each keyed record's 0-based row in the archive.
    rows: np.ndarray
    #: How many records the chunk held (with or without an id).
    records: int

    @classmethod
    def empty(cls, records: int = 0) -> IdKeys:
        """No keys."""
        z = np.zeros(0, dtype=np.uint64)
        i = np.zeros(0, dtype=np.int64)
        return cls(z, z, i, i, records)

    def shifted(self, offset: int) -> IdKeys:
        """The same keys with rows counted ``offset`` further (a Dask partition's rows within the archive)."""
        return dataclasses.replace(self, rows=self.rows + offset) if offset else self


def _text(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    """The ids as one string array, surrounding whitespace removed."""
    from .batch import as_text

    text = as_text(column)
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks() if text.num_chunks else pa.array([], pa.string())
    if not (pa.types.is_string(text.type) or pa.types.is_large_string(text.type)):
        text = text.cast(pa.string())
    if _may_have_spaces(text):
        text = pc.utf8_trim_whitespace(text)
    return text


#: First and last bytes a whitespace character can have in UTF-8 (ASCII spaces and controls, the
#: lead bytes of U+0085 … U+3000, any continuation byte): an id that begins and ends with none needs no trim.
_SPACE_FIRST = np.zeros(256, dtype=bool)
_SPACE_FIRST[[9, 10, 11, 12, 13, 28, 29, 30, 31, 32]] = True
_SPACE_FIRST[0xC2:] = True
_SPACE_LAST = _SPACE_FIRST.copy()
_SPACE_LAST[0x80:] = True


def _may_have_spaces(text: pa.Array) -> bool:
    n = len(text)
    if n == 0:
        return False
    buffers = text.buffers()
    odt = np.int64 if pa.types.is_large_string(text.type) else np.int32
    if buffers[1] is None or buffers[2] is None:
        return False
    offsets = np.frombuffer(buffers[1], dtype=odt, count=text.offset + n + 1)[text.offset :].astype(np.int64)
    data = np.frombuffer(buffers[2], dtype=np.uint8)
    filled = offsets[1:] > offsets[:-1]  # empty or null cells have no bytes to look at
    first = data[offsets[:-1][filled]]
    last = data[offsets[1:][filled] - 1]
    return bool(_SPACE_FIRST[first].any() or _SPACE_LAST[last].any())


def id_keys(column: pa.Array | pa.ChunkedArray | None, rows: int | np.ndarray = 0) -> IdKeys:
    """The keys of a chunk's ``id`` column; ``rows``: the first record's 0-based row, or each record's.

    Records with an empty id have no key (they are reported as missing their id elsewhere).
    """
    if column is None or len(column) == 0:
        return IdKeys.empty(0 if column is None else len(column))
    text = _text(column)
    n = len(text)
    present = pc.fill_null(pc.greater(pc.binary_length(text), 0), False)
    index = np.nonzero(np.asarray(present.to_numpy(zero_copy_only=False), dtype=bool))[0]
    at = index + rows if isinstance(rows, int) else np.asarray(rows, dtype=np.int64)[index]
    k1, k2 = _hash(text.filter(present))
    return IdKeys(k1, k2, index, at, n)


def repeats(seen: SeenIds, table: pa.Table, rows: int | np.ndarray = 0) -> tuple[SeenIds, np.ndarray]:
    """Add a chunk's ids; per record of the chunk, the 1-based row of an earlier record with its id, or 0.

    ``rows``: the chunk's first record's 0-based row in the archive, or each record's.
    """
    keys = id_keys(table["id"], rows) if "id" in table.column_names else IdKeys.empty(table.num_rows)
    seen, first = seen.add(keys)
    out = np.zeros(table.num_rows, dtype=np.int64)
    out[keys.index] = first
    return seen, out


def _hash(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Two independent 64-bit hashes of each (non-null) string of ``arr``, from its UTF-8 bytes."""
    n = len(arr)
    if n == 0:
        z = np.zeros(0, dtype=np.uint64)
        return z, z
    if pa.types.is_large_string(arr.type):
        odt: type[np.signedinteger] = np.int64
    else:
        odt = np.int32
    buffers = arr.buffers()
    offsets = np.frombuffer(buffers[1], dtype=odt, count=arr.offset + n + 1)[arr.offset :].astype(np.int64)
    data = np.frombuffer(buffers[2], dtype=np.uint8) if buffers[2] is not None else np.zeros(0, np.uint8)
    lengths = np.diff(offsets)
    body = data[offsets[0] : offsets[-1]]
    padded = np.zeros(len(body) + 8, dtype=np.uint8)
    padded[: len(body)] = body
    # Every 8 bytes from any position, as one little-endian word (an unaligned view, nothing copied).
    view = np.ndarray(shape=(len(body) + 1,), dtype="<u8", buffer=padded, strides=(1,))
    starts = offsets[:-1] - offsets[0]
    size = lengths.astype(np.uint64)
    h1 = _fmix(size ^ _SEED1)
    h2 = _fmix(size * _ODD ^ _SEED2)
    for c in range(-(-min(int(lengths.max()), _WIDE) // 8)):
        rest = lengths - 8 * c
        more = rest > 0
        w = view[np.where(more, starts + 8 * c, 0)]
        partial = more & (rest < 8)
        if partial.any():  # bytes past the id's end are not part of it
            shift = (np.clip(rest, 0, 7) * 8).astype(np.uint64)
            w &= np.where(partial, (_U(1) << shift) - _U(1), ~_U(0))
        a = _fmix(h1 ^ w)
        rot = (w << _S32) | (w >> _S32)
        b = _fmix(h2 + (rot ^ _ODD))
        if c:  # only ids that reach this word: an id's key never depends on the chunk's longest id
            a = np.where(more, a, h1)
            b = np.where(more, b, h2)
        h1, h2 = a, b
    for i in np.nonzero(lengths > _WIDE)[0].tolist():
        raw = bytes(body[offsets[i] - offsets[0] : offsets[i + 1] - offsets[0]])
        h1[i], h2[i] = struct.unpack("<QQ", hashlib.blake2b(raw, digest_size=16, person=b"govrule-id").digest())
    return h1, h2


_TAIL = np.dtype([("k2", "<u8"), ("row", "<i8")])


@dataclasses.dataclass(frozen=True, slots=True)
class _Run:
    """Keys sorted by their first half; beside each, its second half and the 0-based row of its first record."""

    k1: np.ndarray
    tail: np.ndarray  # of _TAIL: moved as one 16-byte item when runs merge

    @classmethod
    def of(cls, k1: np.ndarray, k2: np.ndarray, rows: np.ndarray) -> _Run:
        tail = np.empty(len(k1), dtype=_TAIL)
        tail["k2"] = k2
        tail["row"] = rows
        return cls(k1, tail)

    def __len__(self) -> int:
        return len(self.k1)

    def find(self, k1: np.ndarray, k2: np.ndarray) -> np.ndarray:
        """For each key (sorted by k1), the row stored with it, or -1."""
        out = np.full(len(k1), -1, dtype=np.int64)
        if not len(self.k1) or not len(k1):
            return out
        pos = np.searchsorted(self.k1, k1)
        inside = pos < len(self.k1)
        at = np.minimum(pos, len(self.k1) - 1)
        same1 = inside & (self.k1[at] == k1)
        if not same1.any():
            return out
        where = np.nonzero(same1)[0]
        found = self.tail[at[where]]
        hit = found["k2"] == k2[where]
        out[where[hit]] = found["row"][hit]
        # The first halves agree but not the second: other keys with that first half may follow (rare).
        for i in where[~hit].tolist():
            j = int(pos[i])
            while j < len(self.k1) and self.k1[j] == k1[i]:
                if self.tail["k2"][j] == k2[i]:
                    out[i] = self.tail["row"][j]
                    break
                j += 1
        return out


def _merge(a: _Run, b: _Run) -> _Run:
    """Two runs as one: ``b``'s keys placed where they sort among ``a``'s (linear, no sort)."""
    at = np.searchsorted(a.k1, b.k1) + np.arange(len(b), dtype=np.int64)
    mine = np.ones(len(a) + len(b), dtype=bool)
    mine[at] = False
    k1 = np.empty(len(mine), dtype=a.k1.dtype)
    k1[mine] = a.k1
    k1[at] = b.k1
    tail = np.empty(len(mine), dtype=_TAIL)
    tail[mine] = a.tail
    tail[at] = b.tail
    return _Run(k1, tail)


def _order(k1: np.ndarray) -> np.ndarray:
    """The order that sorts ``k1``: a sort of the values with each one's position in their low bits.

    Sorting values is cheaper than sorting indices. Keys that agree above the position's bits keep
    their positions' order (equal keys stay in archive order); if two different keys agree there
    (rare) and come out of order, the indices are sorted instead.
    """
    m = len(k1)
    bits = _U(max(1, (m - 1).bit_length()))
    low = (_U(1) << bits) - _U(1)
    packed = (k1 & ~low) | np.arange(m, dtype=np.uint64)
    packed.sort()
    order = (packed & low).astype(np.int64)
    s1 = k1[order]
    if bool((s1[1:] < s1[:-1]).any()):
        return np.argsort(k1, kind="stable")
    return order


@dataclasses.dataclass(frozen=True, slots=True)
class Sorted:
    """A chunk's keys sorted, and its distinct keys with the row of each one's first record in the chunk.

    The work of adding keys that needs no ids seen before: on Dask it runs in parallel, per
    partition, leaving the chain of `SeenIds.add` only the look-ups and merges.
    """

    #: Which key (of the IdKeys, in their order) comes at each sorted place.
    order: np.ndarray
    #: The archive rows of the keys, in sorted order.
    rows: np.ndarray
    #: Per sorted key, which distinct key it is; None where every key is distinct.
    group: np.ndarray | None
    u1: np.ndarray
    u2: np.ndarray
    #: Per distinct key, the archive row of its first record in the chunk.
    urow: np.ndarray
    #: The keyed records' positions in the chunk (as in the IdKeys).
    index: np.ndarray
    records: int

    @classmethod
    def of(cls, keys: IdKeys) -> Sorted:
        """Sort a chunk's keys and group equal ones."""
        m = len(keys.k1)
        if m == 0:
            return cls(keys.rows, keys.rows, None, keys.k1, keys.k2, keys.rows, keys.index, keys.records)
        order = _order(keys.k1)
        s1, s2, sr = keys.k1[order], keys.k2[order], keys.rows[order]
        tie = s1[1:] == s1[:-1]
        if bool((tie & (s2[1:] != s2[:-1])).any()):  # two ids share a first half (rare): sort by both halves
            order = np.lexsort((keys.rows, keys.k2, keys.k1))
            s1, s2, sr = keys.k1[order], keys.k2[order], keys.rows[order]
            tie = s1[1:] == s1[:-1]
        same = tie & (s2[1:] == s2[:-1])
        if bool(same.any()):  # an id repeated within the chunk: its group's first record is the earliest
            starts = np.concatenate([[True], ~same])
            group = np.cumsum(starts) - 1
            urow = np.minimum.reduceat(sr, np.nonzero(starts)[0])
            return cls(order, sr, group, s1[starts], s2[starts], urow, keys.index, keys.records)
        return cls(order, sr, None, s1, s2, sr, keys.index, keys.records)  # every key distinct (the usual case)

    def shifted(self, offset: int) -> Sorted:
        """The same keys with rows counted ``offset`` further (a Dask partition's rows within the archive)."""
        if not offset:
            return self
        return dataclasses.replace(self, rows=self.rows + offset, urow=self.urow + offset)


class SeenIds:
    """The ids seen so far (one key and first row per distinct id), as immutable sorted runs."""

    __slots__ = ("_runs", "records")

    def __init__(self, runs: tuple[_Run, ...] = (), records: int = 0) -> None:
        self._runs = runs
        #: Records added so far (with or without an id).
        self.records = records

    def __len__(self) -> int:
        return sum(len(r) for r in self._runs)

    @property
    def nbytes(self) -> int:
        """Bytes the keys and rows take."""
        return sum(r.k1.nbytes + r.tail.nbytes for r in self._runs)

    def add(self, keys: IdKeys | Sorted) -> tuple[SeenIds, np.ndarray]:
        """The state with ``keys`` added, and per key the 1-based row of its id's first record (0: this one).

        ``keys`` come in archive order and after every key already added; sorted beforehand
        (`Sorted.of`, which needs no state and so can run elsewhere) or not.
        """
        ready = keys if isinstance(keys, Sorted) else Sorted.of(keys)
        m = len(ready.order)
        records = self.records + ready.records
        first = np.zeros(m, dtype=np.int64)
        if m == 0:
            return SeenIds(self._runs, records), first
        u1, u2, urow = ready.u1, ready.u2, ready.urow
        earlier = np.full(len(u1), -1, dtype=np.int64)
        for run in self._runs:
            found = run.find(u1, u2)
            earlier = np.where(found >= 0, found, earlier)
        known = earlier >= 0
        if ready.group is not None or known.any():
            # A record repeats the earliest record with its id: one of an earlier chunk, else the first of this one.
            origin = np.where(known, earlier, urow)
            origin = origin if ready.group is None else origin[ready.group]
            repeat = origin != ready.rows
            out = np.zeros(m, dtype=np.int64)
            out[repeat] = origin[repeat] + 1
            first[ready.order] = out
        runs = list(self._runs)
        new = _Run.of(u1[~known], u2[~known], urow[~known])
        if len(new):
            runs.append(new)
            while len(runs) > 1 and len(runs[-2]) <= 2 * len(runs[-1]):
                last = runs.pop()
                runs[-1] = _merge(runs[-1], last)
        return SeenIds(tuple(runs), records), first
