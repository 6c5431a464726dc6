"""A Whoosh codec whose posting blocks are packed arrays, readable whole into numpy.

Whoosh's own W3 blocks pickle a tuple of Python ints and 9-byte floats per posting, which makes
postings large and slow to decode. Blocks without per-posting values (every field here: no
positions are indexed) are written instead as delta-coded document numbers in the narrowest
unsigned type plus term counts as small integers, zlib-compressed. Blocks with values (term
vectors, positions) keep Whoosh's encoding, so any Whoosh matcher still reads every block.
"""

from __future__ import annotations

import struct
import zlib
from array import array
from pickle import dumps
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import (
    WHOOSH3_HEADER_MAGIC,
    W3Codec,
    W3LeafMatcher,
    W3PostingsWriter,
)
from whoosh.formats import Frequency
from whoosh.matching import ListMatcher
from whoosh.system import emptybytes
from whoosh.util.numeric import length_to_byte

from .formats import PackedPositions

__all__ = [
    "ArrayCodec",
    "ArrayPostingsWriter",
    "ArrayLeafMatcher",
    "ARRAYS",
    "ARRAYS_RAW",
    "POSITIONS",
    "POSITIONS_RAW",
    "pack",
    "unpack",
    "pack_positions",
    "unpack_positions",
    "inlined_entry",
    "posting_values",
]

# Markers in a block's info tuple, where W3 keeps its compression level: this block is packed
# arrays (with positions or not), zlib-compressed or (when too small to gain from it) raw.
ARRAYS, ARRAYS_RAW, POSITIONS, POSITIONS_RAW = -1, -2, -3, -4
_PACKED = (ARRAYS, ARRAYS_RAW, POSITIONS, POSITIONS_RAW)
_COMPRESSED = (ARRAYS, POSITIONS)
_WITH_POSITIONS = (POSITIONS, POSITIONS_RAW)
# Postings per block. Searches read whole lists into numpy, so a block's fixed cost (its header,
# a zlib call, a few numpy calls: about 37 µs) is paid per block. On the full corpus, optimized,
# 4,096 against Whoosh's 256 halved the query set's time with no list cached and made the
# posting file 6% smaller; 16,384 gained little more. Old segments keep their blocks.
BLOCK_POSTINGS = 4096
# Raw packed blocks below this size are not compressed: zlib's own header would outweigh the gain.
_MIN_COMPRESS = 48
_HEAD = struct.Struct("<BBI")
_WIDTHS = {1: np.uint8, 2: np.uint16, 4: np.uint32}
# Weight codes: 0 = every weight is 1, 1/2 = integral counts as uint8/uint16, 4 = float32.
_WEIGHTS = {1: np.uint8, 2: np.uint16, 4: np.float32}


def _width(top: int) -> int:
    return 1 if top < 1 << 8 else 2 if top < 1 << 16 else 4


def pack(ids: np.ndarray, weights: np.ndarray) -> bytes:
    """One block's document numbers (ascending) and weights as bytes (before compression)."""
    deltas = np.diff(ids)
    idw = _width(int(deltas.max())) if deltas.size else 1
    if np.all(weights == 1.0):
        wcode, wbytes = 0, emptybytes
    elif np.all(weights == np.round(weights)) and weights.min() >= 0 and weights.max() < 1 << 16:
        wcode = _width(int(weights.max()))
        wbytes = weights.astype(_WEIGHTS[wcode]).tobytes()
    else:
        wcode, wbytes = 4, weights.astype(np.float32).tobytes()
    return _HEAD.pack(idw, wcode, int(ids[0])) + deltas.astype(_WIDTHS[idw]).tobytes() + wbytes


def unpack(data: bytes, count: int) -> tuple[np.ndarray, np.ndarray]:
    """The inverse of pack(): (int64 document numbers, float32 weights)."""
    ids, weights, _ = _unpack(data, count)
    return ids, weights


def _unpack(data: bytes, count: int) -> tuple[np.ndarray, np.ndarray, int]:
    idw, wcode, first = _HEAD.unpack_from(data)
    at = _HEAD.size
    ids = np.empty(count, dtype=np.int64)
    ids[0] = first
    if count > 1:
        deltas = np.frombuffer(data, dtype=_WIDTHS[idw], count=count - 1, offset=at)
        np.cumsum(deltas, out=ids[1:])
        ids[1:] += first
        at += (count - 1) * idw
    if wcode == 0:
        weights = np.ones(count, dtype=np.float32)
    else:
        weights = np.frombuffer(data, dtype=_WEIGHTS[wcode], count=count, offset=at).astype(np.float32)
        at += count * np.dtype(_WEIGHTS[wcode]).itemsize
    return ids, weights, at


_POS_HEAD = struct.Struct("<BBI")


def pack_positions(values: list[bytes]) -> bytes:
    """A block's PackedPositions values: per-posting counts, then deltas restarting at each posting."""
    counts = np.fromiter((len(v) >> 2 for v in values), dtype=np.int64, count=len(values))
    return _pack_position_arrays(counts, np.frombuffer(emptybytes.join(values), dtype="<u4"))


def _pack_position_arrays(counts: np.ndarray, positions: np.ndarray) -> bytes:
    counts = counts.astype(np.int64)
    flat = positions.astype(np.int64)
    deltas = np.diff(flat, prepend=0)
    starts = (np.cumsum(counts) - counts)[counts > 0]
    deltas[starts] = flat[starts]
    cw = _width(int(counts.max()))
    dw = _width(int(deltas.max())) if deltas.size else 1
    return (
        _POS_HEAD.pack(cw, dw, flat.size) + counts.astype(_WIDTHS[cw]).tobytes() + deltas.astype(_WIDTHS[dw]).tobytes()
    )


def unpack_positions(data: bytes, count: int, offset: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The inverse of pack_positions(): (per-posting counts, all positions in posting order)."""
    cw, dw, total = _POS_HEAD.unpack_from(data, offset)
    at = offset + _POS_HEAD.size
    counts = np.frombuffer(data, dtype=_WIDTHS[cw], count=count, offset=at).astype(np.int64)
    deltas = np.frombuffer(data, dtype=_WIDTHS[dw], count=total, offset=at + count * cw).astype(np.int64)
    running = np.cumsum(deltas)
    starts = (np.cumsum(counts) - counts)[counts > 0]
    # Each posting's deltas restart from zero: subtract what the running sum held before it.
    before = running[starts] - deltas[starts]
    return counts, running - np.repeat(before, counts[counts > 0])


def _counts_bytes(weights: Any) -> bytes:
    """The values Whoosh's Frequency format gives each posting: its count as a big-endian uint32."""
    return np.asarray(weights, dtype=np.float64).astype(">u4").tobytes()


def _implied_values(format_: Any, weights: Any) -> tuple[bytes | None, ...] | None:
    """The values a block can rebuild from its weights (None when it cannot)."""
    size = format_.fixed_value_size()
    if size == 0:
        return (None,) * len(weights)
    if isinstance(format_, Frequency) and size == 4:
        raw = _counts_bytes(weights)
        return tuple(raw[i : i + 4] for i in range(0, len(raw), 4))
    return None


def _redundant(format_: Any, values: Any, weights: Any) -> bool:
    """True when a block has no values, or only term counts equal to its weights."""
    if not values:
        return True
    return (
        isinstance(format_, Frequency)
        and format_.fixed_value_size() == 4
        and len(values) == len(weights)
        and emptybytes.join(values) == _counts_bytes(weights)
    )


# W3TermInfo's fixed part: inlined flag, total weight, document frequency, min and max length
# bytes, max weight, first and last document.
_TERMINFO = struct.Struct("!BfIBBfII")
# The length bytes of an inlined list: the writers here keep no length statistics (ArrayCodec).
_NO_MIN_LENGTH, _NO_MAX_LENGTH = 0, length_to_byte(0)


def posting_values(counts: np.ndarray, positions: np.ndarray) -> list[bytes]:
    """Each posting's PackedPositions value: its run of positions as little-endian uint32s."""
    raw = positions.astype("<u4").tobytes()
    ends = np.cumsum(counts).tolist()
    return [raw[4 * (end - n) : 4 * end] for end, n in zip(ends, counts.tolist(), strict=True)]


def inlined_entry(format_: Any, ids: list[int], weights: list[float], values: list[bytes]) -> bytes:
    """The term table's value for a short list kept in the term's own entry: the bytes that
    ArrayPostingsWriter.finish_postings and W3TermInfo.to_bytes give it, built without either
    (a writer spends most of its time on the many rare terms, a few microseconds each here)."""
    weight = sum(weights)
    head = _TERMINFO.pack(1, weight, len(ids), _NO_MIN_LENGTH, _NO_MAX_LENGTH, max(0.0, *weights), ids[0], ids[-1])
    kept = () if _redundant(format_, values, weights) else tuple(values)
    return head + dumps((tuple(ids), tuple(int(w) if w.is_integer() else w for w in weights), kept), 2)


class ArrayPostingsWriter(W3PostingsWriter):
    """W3's postings writer; blocks whose values follow from their weights become packed arrays."""

    def _redundant_values(self) -> bool:
        """True when the block has no values, or only term counts equal to its weights."""
        return _redundant(self._format, self._values, self._weights)

    # Counts and positions of the block being written by add_arrays (values are not built then).
    _bulk_positions: tuple[np.ndarray, np.ndarray] | None = None

    def add_arrays(
        self,
        ids: np.ndarray,
        weights: np.ndarray,
        counts: np.ndarray | None = None,
        positions: np.ndarray | None = None,
    ) -> None:
        """A whole posting list (document numbers ascending), written block by block."""
        if len(ids) < self._inlinelimit:
            # A short list, inlined by finish_postings: set the block buffer whole (most terms are
            # rare, and adding their postings one by one was most of a segment's writing).
            self._ids = array("I", ids.astype(np.uint32).tobytes())
            self._weights = array("f", weights.astype(np.float32).tobytes())
            self._maxweight = max(0.0, float(weights.max()))
            if counts is not None and positions is not None:
                self._values = posting_values(counts, positions)
            # Term counts are left out: they equal the weights (see _redundant_values).
            return
        step = self._blocklimit
        ends = np.cumsum(counts) if counts is not None else None
        for lo in range(0, len(ids), step):
            hi = min(lo + step, len(ids))
            self._ids = array("I", ids[lo:hi].astype(np.uint32).tobytes())
            self._weights = array("f", weights[lo:hi].astype(np.float32).tobytes())
            self._maxweight = float(weights[lo:hi].max())
            if ends is not None and counts is not None and positions is not None:
                first = int(ends[lo] - counts[lo])
                self._bulk_positions = (counts[lo:hi], positions[first : int(ends[hi - 1])])
            try:
                self._write_block(last=hi == len(ids))
            finally:
                self._bulk_positions = None

    def _write_block(self, last: bool = False) -> None:
        positional = isinstance(self._format, PackedPositions) and (
            bool(self._values) or self._bulk_positions is not None
        )
        if self._byteids or not (positional or self._redundant_values()):
            super()._write_block(last)
            return
        if not self._blockcount:
            self._postfile.write(WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        ids = np.frombuffer(self._ids, dtype=np.uint32) if isinstance(self._ids, array) else np.asarray(self._ids)
        weights = np.frombuffer(self._weights, dtype=np.float32)
        databytes = pack(ids, weights)
        if self._bulk_positions is not None:
            databytes += _pack_position_arrays(*self._bulk_positions)
        elif positional:
            databytes += pack_positions(self._values)
        marker = POSITIONS_RAW if positional else ARRAYS_RAW
        if len(databytes) >= _MIN_COMPRESS:
            databytes = zlib.compress(databytes, self._compression or 1)
            marker = POSITIONS if positional else ARRAYS
        info = dumps(
            (
                len(ids),
                int(ids[-1]),
                self._maxweight,
                marker,
                length_to_byte(self._minlength),
                length_to_byte(self._maxlength),
            ),
            2,
        )
        length = len(info) + len(databytes)
        self._postfile.write_int(-length if last else length)
        self._postfile.write(info)
        self._postfile.write(databytes)
        self._blockcount += 1
        self._new_block()

    def finish_postings(self) -> Any:
        """Short lists go into the term's own entry: a separate block would cost ~90 bytes each."""
        terminfo = self._terminfo
        if self._byteids or self.written() or len(self) >= self._inlinelimit:
            return super().finish_postings()
        terminfo.add_block(self)
        # W3's own inlining calls a method its TermInfo lacks; small ints pickle shorter than floats,
        # and values implied by the weights are left out (ArrayCodec.postings_reader rebuilds them).
        weights = tuple(int(w) if w.is_integer() else w for w in self._weights)
        values = () if self._redundant_values() else tuple(self._values)
        terminfo.set_inlined(tuple(self._ids), weights, values)
        self._terminfo = None
        return terminfo


class ArrayLeafMatcher(W3LeafMatcher):
    """W3's matcher, reading packed-array blocks too, and whole posting lists into numpy."""

    def _read_data(self) -> None:
        if self._compression not in _PACKED:
            super()._read_data()
            return
        raw = self._postfile.get(self._dataoffset, self._nextoffset - self._dataoffset)
        if self._compression in _COMPRESSED:
            raw = zlib.decompress(raw)
        ids, weights, at = _unpack(raw, self._blocklength)
        if self._compression in _WITH_POSITIONS:
            self._data = (ids, weights, *unpack_positions(raw, self._blocklength, at))
        else:
            self._data = (ids, weights, None, None)

    def _packed(self) -> tuple[Any, ...] | None:
        """The current block's decoded arrays, or None when it is one of W3's own blocks."""
        if self._compression not in _PACKED:
            return None
        if self._data is None:
            self._read_data()
        return self._data

    def _read_ids(self) -> None:
        data = self._packed()
        if data is None:
            super()._read_ids()
        else:
            self._ids = data[0].tolist()

    def _read_weights(self) -> None:
        data = self._packed()
        if data is None:
            super()._read_weights()
        else:
            self._weights = data[1].tolist()

    def _read_values(self) -> None:
        data = self._packed()
        if data is None:
            super()._read_values()
            return
        _, weights, counts, positions = data
        if counts is None:
            self._values = _implied_values(self.format, weights)
            return
        raw = positions.astype("<u4").tobytes()
        ends = np.cumsum(counts) * 4
        self._values = tuple(raw[a:b] for a, b in zip((ends - counts * 4).tolist(), ends.tolist(), strict=True))

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """Every (document number, weight) of the posting list, from the start."""
        self.reset()
        ids: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        while not self._atend:
            data = self._packed()
            if data is not None:
                block_ids, block_weights = data[:2]
            else:
                self._read_ids()
                self._read_weights()
                block_ids = np.asarray(self._ids, dtype=np.int64)
                block_weights = np.asarray(self._weights, dtype=np.float32)
            ids.append(block_ids)
            weights.append(block_weights)
            self._next_block()
        if not ids:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        return np.concatenate(ids), np.concatenate(weights)

    def positions(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(document numbers, count of positions in each, all positions in order), from the start."""
        self.reset()
        ids: list[np.ndarray] = []
        counts: list[np.ndarray] = []
        positions: list[np.ndarray] = []
        while not self._atend:
            data = self._packed()
            if data is not None and data[2] is not None:
                block_ids, _, block_counts, block_positions = data
            else:
                self._read_ids()
                self._read_values()
                decoded = [self.format.decode_positions(v) for v in self._values]
                block_ids = np.asarray(self._ids, dtype=np.int64)
                block_counts = np.array([len(d) for d in decoded], dtype=np.int64)
                block_positions = np.array([p for d in decoded for p in d], dtype=np.int64)
            ids.append(block_ids)
            counts.append(block_counts)
            positions.append(block_positions)
            self._next_block()
        if not ids:
            empty = np.empty(0, dtype=np.int64)
            return empty, empty, empty
        return np.concatenate(ids), np.concatenate(counts), np.concatenate(positions)


class _Tracked:
    """A file being written that knows its position: Whoosh asks tell() per term and per block,
    and a buffered file answers each time with a system call (an eighth of a segment's writing)."""

    def __init__(self, raw: Any) -> None:
        self._raw = raw
        self._pos = raw.tell()

    def write(self, data: Any) -> int:
        """Write, and move the position by what was written."""
        written = self._raw.write(data)
        self._pos += written
        return written

    def tell(self) -> int:
        """The position, from the count of bytes written."""
        return self._pos

    def seek(self, *args: Any) -> int:
        """Seek in the real file and take its position."""
        self._pos = self._raw.seek(*args)
        return self._pos

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)


class ArrayCodec(W3Codec):
    """W3Codec with packed-array posting blocks (importable: Whoosh pickles it into each segment)."""

    # Per-block length bounds only serve Whoosh's own top-k pruning, which searches here do not
    # use; looking up every posting's document length took a tenth of the build's writer time.
    length_stats = False

    def __init__(self, blocklimit: int | None = None, compression: int = 1, inlinelimit: int = 8) -> None:
        super().__init__(blocklimit=blocklimit or BLOCK_POSTINGS, compression=compression, inlinelimit=inlinelimit)

    def field_writer(self, storage: Any, segment: Any) -> Any:
        """W3's term and posting writer, its two files keeping count of their own position."""
        writer = super().field_writer(storage, segment)
        for structfile in (writer._postfile, writer._tindex.dbfile):
            structfile.file = _Tracked(structfile.file)
        return writer

    def postings_writer(self, dbfile: Any, byteids: bool = False) -> ArrayPostingsWriter:
        """Writes the blocks of one posting list."""
        return ArrayPostingsWriter(
            dbfile,
            blocklimit=self._blocklimit,
            byteids=byteids,
            compression=self._compression,
            # Term vectors (byteids) go through W3's inlining, which is broken: never inline them.
            inlinelimit=1 if byteids else self._inlinelimit,
        )

    def postings_reader(self, dbfile: Any, terminfo: Any, format_: Any, term: Any = None, scorer: Any = None) -> Any:
        """A matcher over one posting list."""
        if terminfo.is_inlined():
            ids, weights, values = terminfo.inlined_postings()
            if not values and ids:
                values = _implied_values(format_, weights)
            return ListMatcher(ids, weights, values, format_, scorer=scorer, term=term, terminfo=terminfo)
        offset, length = terminfo.extent()
        return ArrayLeafMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)
