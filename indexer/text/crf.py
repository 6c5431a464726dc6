"""pyvi's word-segmentation CRF run without pyvi's Python features: the same labels, computed faster."""

from __future__ import annotations

import struct
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["CrfModel", "Labeller", "pyvi_labeller"]

# A CRFsuite model file (crf1d_model.c in CRFsuite): a 48-byte header of offsets, then chunks;
# features are 20 bytes (type, source, destination, weight as a little-endian double), and the
# attribute names sit in a CQDB whose backward array maps each id to its record.
_HEADER = struct.Struct("<4sI4sIIIIIIIII")
_FEATURE = np.dtype([("type", "<u4"), ("src", "<u4"), ("dst", "<u4"), ("weight", "<f8")])
_CQDB_HEADER = struct.Struct("<4sIIIII")
_STATE, _TRANSITION = 0, 1
# The most attributes one unit can have: 5 of its own, 3 of each neighbour, 2 n-grams each side.
_DEPTH = 15
# A unit's row in the table: 5 own attributes, 3 as the word before, 3 as the word after, and
# its number among the words of the n-gram lists.
_ROLE_WIDTH, _WORD = 12, 11


def _cqdb_strings(buffer: bytes, offset: int) -> list[str]:
    """The strings of a CQDB chunk, by id."""
    chunk, _size, _flag, _order, count, backward = _CQDB_HEADER.unpack_from(buffer, offset)
    if chunk != b"CQDB" or backward == 0:
        raise ValueError("not a CQDB chunk with ids")
    records = np.frombuffer(buffer, "<u4", count, offset + backward)
    out: list[str] = []
    for at in records.tolist():
        _id, size = struct.unpack_from("<II", buffer, offset + at)
        start = offset + at + 8
        out.append(buffer[start : start + size - 1].decode("utf-8"))  # the size counts the NUL
    return out


@dataclass(frozen=True)
class CrfModel:
    """A first-order CRFsuite model: attribute ids, per-attribute label weights, transitions."""

    labels: tuple[str, ...]
    attributes: dict[str, int]
    # state[a, l]: the weight of attribute a towards label l (0 where no feature exists); one
    # row more than there are attributes, all zeros, pads an item's attribute list.
    state: np.ndarray
    transition: np.ndarray

    @classmethod
    def load(cls, path: Path) -> CrfModel:
        """Read a CRFsuite model file."""
        buffer = path.read_bytes()
        magic, _size, kind, _version, _nf, n_labels, n_attrs, off_feat, off_labels, off_attrs, _lr, _ar = (
            _HEADER.unpack_from(buffer, 0)
        )
        if magic != b"lCRF" or kind != b"FOMC":
            raise ValueError(f"{path}: not a CRFsuite first-order model")
        chunk, _chunk_size, count = struct.unpack_from("<4sII", buffer, off_feat)
        if chunk != b"FEAT":
            raise ValueError(f"{path}: no feature chunk")
        features = np.frombuffer(buffer, _FEATURE, count, off_feat + 12)
        state = np.zeros((n_attrs + 1, n_labels))
        transition = np.zeros((n_labels, n_labels))
        for table, kind_ in ((state, _STATE), (transition, _TRANSITION)):
            chosen = features[features["type"] == kind_]
            table[chosen["src"].astype(np.intp), chosen["dst"].astype(np.intp)] = chosen["weight"]
        labels = tuple(_cqdb_strings(buffer, off_labels))
        names = _cqdb_strings(buffer, off_attrs)
        if len(labels) != n_labels or len(names) != n_attrs:
            raise ValueError(f"{path}: label or attribute table does not match the header")
        return cls(labels, {name: n for n, name in enumerate(names)}, state, transition)

    def viterbi(self, scores: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """Best label ids of sequences laid end to end in scores (longest first), per unit."""
        # CRFsuite's crf1dc_viterbi, one step for every sequence at once: the same additions in
        # the same order, and the first of equal scores wins (its test is a strict `<`), as
        # argmax's does. Sorted longest first, the sequences still running at step t are a prefix.
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        running = np.searchsorted(-lengths, -np.arange(int(lengths[0]) + 1), side="left")
        back = np.zeros(scores.shape, dtype=np.intp)
        alpha = scores[starts].copy()
        for t in range(1, int(lengths[0])):
            live = int(running[t])  # sequences longer than t
            at = starts[:live] + t
            paths = alpha[:live, :, None] + self.transition[None, :, :]
            back[at] = paths.argmax(axis=1)
            alpha[:live] = paths.max(axis=1) + scores[at]  # the score argmax picked, exactly
        last = alpha.argmax(axis=1)
        out = np.zeros(len(scores), dtype=np.intp)
        label = np.zeros(len(lengths), dtype=np.intp)
        for t in range(int(lengths[0]) - 1, -1, -1):
            live, longer = int(running[t]), int(running[t + 1])
            label[longer:live] = last[longer:live]  # sequences whose last unit is at t
            if longer:
                label[:longer] = back[starts[:longer] + t + 1, label[:longer]]
            out[starts[:live] + t] = label[:live]
        return out


class Labeller:
    """pyvi's ViTokenizer labels (B_W/I_W) of unit sequences, from its own model and n-gram lists."""

    # Distinct units remembered at most (a cache: a new one costs a few dictionary lookups).
    MAX_UNITS = 2_000_000

    def __init__(self, model: CrfModel, bi_grams: set[str], tri_grams: set[str]) -> None:
        self.model = model
        attrs = model.attributes
        self._pad = len(attrs)
        self._inside = model.labels.index("I_W")
        self._bi = (attrs.get("-1:word.bi_gram()", self._pad), attrs.get("+1:word.bi_gram()", self._pad))
        self._tri = (attrs.get("-2:word.tri_gram()", self._pad), attrs.get("+2:word.tri_gram()", self._pad))
        # pyvi asks whether " ".join(units).lower() is in its lists; no unit holds a space, so
        # that is whether each unit's lowercase is the entry's part at its place: n-grams become
        # integer keys over the words of the lists.
        words: dict[str, int] = {}
        for entry in (*bi_grams, *tri_grams):
            for part in entry.split(" "):
                words.setdefault(part, len(words))
        self._words = words
        self._base = len(words) + 1
        self._bigrams = np.unique([self._key(e.split(" ")) for e in bi_grams])
        self._trigrams = np.unique([self._key(e.split(" ")) for e in tri_grams])
        self._units: dict[str, int] = {}
        self._table = np.zeros((1024, _ROLE_WIDTH), dtype=np.intp)  # rows of the units, grown by doubling
        # The cache grows under this lock: a threaded server segments queries in several threads.
        self._lock = threading.Lock()

    def _key(self, parts: list[str]) -> int:
        key = 0
        for part in parts:
            key = key * self._base + self._words[part] + 1
        return key

    def _row(self, unit: str) -> list[int]:
        """What a unit brings in each role: own attributes, as the word before, as the word after, its n-gram word."""
        attrs, pad = self.model.attributes, self._pad
        lower, upper, title, digit = unit.lower(), unit.isupper(), unit.istitle(), unit.isdigit()

        def ids(*names: str | None) -> list[int]:
            # CRFsuite looks names up as C strings: a NUL ends one.
            return [pad if n is None else attrs.get(n.split("\0", 1)[0] if "\0" in n else n, pad) for n in names]

        # pyvi's dict order; a feature whose value is False adds weight × 0 in CRFsuite: nothing.
        return [
            *ids(
                "bias",
                "word.lower():" + lower,
                "word.isupper()" if upper else None,
                "word.istitle()" if title else None,
                "word.isdigit()" if digit else None,
            ),
            *ids("-1:word.lower():" + lower, *(["-1:word.istitle()"] if title else [None])),
            *ids("-1:word.isupper()" if upper else None),
            *ids("+1:word.lower():" + lower, *(["+1:word.istitle()"] if title else [None])),
            *ids("+1:word.isupper()" if upper else None),
            self._words.get(lower, -1) + 1,  # 0: in no n-gram
        ]

    def _rows(self, flat: list[str]) -> np.ndarray:
        """The table's rows of these units (new units added first)."""
        with self._lock:
            rows = self._lookup(flat)  # may replace the table by a larger one
            return self._table[rows]

    def _lookup(self, flat: list[str]) -> np.ndarray:
        """Row numbers of these units in the table, adding the new ones (under the lock)."""
        if len(self._units) > self.MAX_UNITS:
            self._units = {}
        known = self._units
        rows = [known.get(u, -1) for u in flat]
        fresh: list[list[int]] = []
        start = len(known)
        for n, row in enumerate(rows):
            if row < 0:
                unit = flat[n]
                row = known.get(unit, -1)
                if row < 0:
                    row = known[unit] = start + len(fresh)
                    fresh.append(self._row(unit))
                rows[n] = row
        if fresh:
            if len(known) > len(self._table):
                grown = np.zeros((max(2 * len(self._table), len(known)), _ROLE_WIDTH), dtype=np.intp)
                grown[:start] = self._table[:start]
                self._table = grown
            self._table[start : len(known)] = fresh
        return np.array(rows, dtype=np.intp)

    def inside_flat(self, units: list[str], lengths: np.ndarray) -> np.ndarray:
        """Whether each unit continues the word before (label I_W), for sequences laid end to end."""
        out = np.zeros(len(units), dtype=bool)
        lengths = lengths[lengths > 0]
        if not len(lengths):
            return out
        # Longest first for the Viterbi: the units of each sequence moved to its new place.
        order = np.argsort(-lengths, kind="stable")
        starts = np.cumsum(lengths) - lengths
        moved = lengths[order]
        places = np.repeat(starts[order] - (np.cumsum(moved) - moved), moved) + np.arange(len(units))
        scores = self._state_scores(self._rows(units)[places], moved)
        out[places] = self.model.viterbi(scores, moved) == self._inside
        return out

    def state_scores(self, sequences: Sequence[Sequence[str]]) -> np.ndarray:
        """CRFsuite's state scores (unit × label) of nonempty sequences laid end to end."""
        lengths = np.array([len(seq) for seq in sequences], dtype=np.intp)
        return self._state_scores(self._rows([u for seq in sequences for u in seq]), lengths)

    def _state_scores(self, table: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        ids = self._items(table, lengths)
        # Per label, the weights added one attribute after another in the item's order
        # (crf1dt_state_score), so the sums are equal to the last bit; a pad (an attribute the
        # unit lacks) adds zero, which changes no sum.
        state = self.model.state
        scores = state[ids[:, 0]]
        for k in range(1, ids.shape[1]):
            scores += state[ids[:, k]]
        return scores

    def _items(self, units: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """Each unit's attribute ids in pyvi's feature order (pads where a feature is absent)."""
        total = len(units)
        ends = np.cumsum(lengths)
        position = np.arange(total) - np.repeat(ends - lengths, lengths)  # index inside the sequence
        remaining = np.repeat(ends, lengths) - np.arange(total) - 1  # units after it in the sequence
        pad = self._pad
        word = units[:, _WORD]
        base = self._base
        # Keys of the n-grams ending at each unit (0 where a part is in no n-gram).
        pair = np.zeros(total, dtype=np.int64)
        triple = np.zeros(total, dtype=np.int64)
        known = word > 0
        pair[1:] = np.where(known[1:] & known[:-1], word[:-1] * base + word[1:], 0)
        three = known[2:] & known[1:-1] & known[:-2]
        triple[2:] = np.where(three, (word[:-2] * base + word[1:-1]) * base + word[2:], 0)
        in_bi = _member(pair, self._bigrams) & (position >= 1)
        in_tri = _member(triple, self._trigrams) & (position >= 2)
        ids = np.full((total, _DEPTH), pad, dtype=np.intp)
        ids[:, 0:5] = units[:, 0:5]
        first, last = position == 0, remaining == 0
        before = np.roll(units[:, 5:8], 1, axis=0)
        before[first] = pad
        ids[:, 5:8] = before
        ids[:, 8] = np.where(in_bi, self._bi[0], pad)
        ids[:, 9] = np.where(in_tri, self._tri[0], pad)
        after = np.roll(units[:, 8:11], -1, axis=0)
        after[last] = pad
        ids[:, 10:13] = after
        ids[:, 13] = np.where(np.roll(in_bi, -1) & ~last, self._bi[1], pad)
        ids[:, 14] = np.where(np.roll(in_tri, -2) & (remaining >= 2), self._tri[1], pad)
        return ids


def _member(keys: np.ndarray, sorted_keys: np.ndarray) -> np.ndarray:
    """Whether each key (0: none) is in the sorted array."""
    if len(sorted_keys) == 0:
        return np.zeros(len(keys), dtype=bool)
    at = np.searchsorted(sorted_keys, keys).clip(max=len(sorted_keys) - 1)
    return (sorted_keys[at] == keys) & (keys != 0)


_labeller: Labeller | None = None


def pyvi_labeller() -> Labeller:
    """The labeller of the installed pyvi's own model and n-gram lists (loaded once per process)."""
    global _labeller
    if _labeller is None:
        from pyvi.ViTokenizer import ViTokenizer  # its model and word lists load on import

        path = Path(ViTokenizer.model.modelfile.name)  # pyvi's pickle unpacks the model file here
        _labeller = Labeller(CrfModel.load(path), ViTokenizer.bi_grams, ViTokenizer.tri_grams)
    return _labeller
