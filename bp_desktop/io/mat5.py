"""A strict reader of level-5 MAT-files (MATLAB -v6/-v7, Octave -v7), for numeric and
char arrays: all a weights file can hold.

Why not scipy.io.loadmat: it crashes the whole process (segmentation fault in its
compiled reader) on some corrupted files, which a user can open from a file dialog.
Here every length is checked against the bytes present before it is used, so a
hostile file can only raise ValueError. Writing still uses scipy.io.savemat, and the
tests check that this reader and scipy agree on every file scipy writes.

Returned values: numeric arrays in their own class (double -> float64, single ->
float32, int32 -> int32, logical -> bool), shaped as in MATLAB (column-major data);
char arrays as numpy string arrays with one string per row, like scipy's
`chars_as_strings=True`. Cell arrays, structs, objects, sparse matrices, function
handles and complex numbers are refused with the variable's name.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

MAX_DECOMPRESSED_BYTES = 1 << 30
HEADER_BYTES = 128
_PEEK_BYTES = 4096   # a compressed variable's header (flags, dimensions, name) fits in this

# Data types of the elements (MATLAB's miINT8 ... miUTF32) as numpy type codes.
_NUMERIC_TYPES = {1: "i1", 2: "u1", 3: "i2", 4: "u2", 5: "i4", 6: "u4", 7: "f4", 9: "f8",
                  12: "i8", 13: "u8"}
_MI_MATRIX, _MI_COMPRESSED, _MI_UTF8, _MI_UTF16, _MI_UTF32 = 14, 15, 16, 17, 18
# Array classes (mxDOUBLE_CLASS ...) of numeric matrices, as numpy type codes.
_NUMERIC_CLASSES = {6: "f8", 7: "f4", 8: "i1", 9: "u1", 10: "i2", 11: "u2", 12: "i4", 13: "u4",
                    14: "i8", 15: "u8"}
_CHAR_CLASS = 4
_REFUSED_CLASSES = {1: "a cell array", 2: "a struct", 3: "an object", 5: "a sparse matrix",
                    16: "a function handle", 17: "an opaque object"}
_COMPLEX, _LOGICAL = 0x08, 0x02


class _Truncated(ValueError):
    """Fewer bytes than an element needs."""


@dataclass
class _Cursor:
    """A position in a bytes object, never read past `end`."""

    data: bytes
    position: int
    end: int
    order: str  # "<" or ">"

    def take(self, count: int, what: str) -> bytes:
        if count < 0 or self.position + count > self.end:
            raise _Truncated(f"the file is truncated or corrupt: {what} needs {count} bytes "
                             f"at byte {self.position}, {max(self.end - self.position, 0)} remain")
        chunk = self.data[self.position:self.position + count]
        self.position += count
        return chunk

    def uint32(self, what: str) -> int:
        return int(np.frombuffer(self.take(4, what), dtype=self.order + "u4")[0])

    def at_end(self) -> bool:
        return self.position >= self.end


def read_mat5(data: bytes, max_values: int | None = None) -> dict[str, np.ndarray]:
    """Variable name -> array for every variable of a level-5 MAT-file; ValueError if the
    file is anything else or holds anything but numeric and char arrays.

    max_values bounds the elements of all variables together. Each variable's declared
    dimensions are checked against it before its data is decompressed or converted, so a
    small compressed file cannot make the reader allocate gigabytes."""
    order = _check_header(data)
    cursor = _Cursor(data, HEADER_BYTES, len(data), order)
    budget = _Budget(max_values)
    variables: dict[str, np.ndarray] = {}
    while not cursor.at_end():
        name, value = _read_top_level(cursor, budget)
        if name in variables:
            raise ValueError(f"variable {name!r} appears twice")
        variables[name] = value
    return variables


@dataclass
class _Budget:
    """How many array elements the variables may still declare."""

    limit: int | None
    used: int = 0

    def check(self, shape: tuple[int, ...], name: str) -> int:
        count = int(np.prod(shape, dtype=object))
        if self.limit is not None and self.used + count > self.limit:
            raise ValueError(f"variable {name} is {'×'.join(map(str, shape))}: the variables hold "
                             f"more than {self.limit:,} values in all, the limit for this kind of "
                             "file")
        return count


def mat_version(data: bytes) -> str:
    """'5' for a level-5 file, '7.3' for an HDF5 one, '' when the header is neither."""
    if len(data) < HEADER_BYTES or data[126:128] not in (b"IM", b"MI"):
        return ""
    order = "<" if data[126:128] == b"IM" else ">"
    version = int(np.frombuffer(data[124:126], dtype=order + "u2")[0])
    return {0x0100: "5", 0x0200: "7.3"}.get(version, "")


def _check_header(data: bytes) -> str:
    version = mat_version(data)
    if version != "5":
        raise ValueError("is not a level-5 MAT-file (MATLAB -v6/-v7, Octave -v7); MATLAB v4 "
                         "and v7.3 files are not supported")
    return "<" if data[126:128] == b"IM" else ">"


def _read_top_level(cursor: _Cursor, budget: _Budget) -> tuple[str, np.ndarray]:
    kind, size = _tag(cursor)
    payload = cursor.take(size, "a variable")
    if kind == _MI_COMPRESSED:
        payload = _inflate(payload, cursor.order, budget)
        inner = _Cursor(payload, 0, len(payload), cursor.order)
        kind, size = _tag(inner)
        payload = inner.take(size, "a compressed variable")
    if kind != _MI_MATRIX:
        raise ValueError(f"holds a top-level element of type {kind}, not a variable")
    return _read_matrix(_Cursor(payload, 0, len(payload), cursor.order), budget)


def _inflate(payload: bytes, order: str, budget: _Budget) -> bytes:
    """The decompressed variable, decompressed only after its header has declared a size
    within the budget, and never past the size its dimensions allow."""
    inflater = zlib.decompressobj()
    try:
        head = inflater.decompress(payload, _PEEK_BYTES)
        limit = _allowed_size(head, order, budget)
        # never max_length 0: to zlib that means no limit at all
        rest = (inflater.decompress(inflater.unconsumed_tail, limit - len(head))
                if limit > len(head) else b"")
    except zlib.error as error:
        raise ValueError(f"a compressed variable is corrupt ({error})") from error
    if inflater.unconsumed_tail:
        raise ValueError("a compressed variable holds more data than its dimensions declare: "
                         "the file is corrupt")
    return head + rest


def _allowed_size(head: bytes, order: str, budget: _Budget) -> int:
    """Bytes the decompressed variable may take: its tag and header, at most 8 bytes per
    declared element, padding. Refuses a declaration over the budget."""
    cursor = _Cursor(head, 0, len(head), order)
    kind, size = _tag(cursor)
    if kind != _MI_MATRIX:
        raise ValueError(f"holds a top-level element of type {kind}, not a variable")
    try:
        _, _, shape, name = _matrix_header(cursor)
    except _Truncated:
        if len(head) < _PEEK_BYTES:
            raise
        raise ValueError("the file is corrupt: a compressed variable's header is longer than "
                         f"{_PEEK_BYTES} bytes") from None
    count = budget.check(shape, name)
    if size + 8 > MAX_DECOMPRESSED_BYTES:
        raise ValueError(f"a compressed variable is larger than {MAX_DECOMPRESSED_BYTES} bytes")
    if size + 8 > cursor.position + 8 * count + 16:  # data tag, ≤ 8 bytes per element, padding
        raise ValueError(f"{name} declares {size} bytes, more than its shape "
                         f"{'×'.join(map(str, shape))} can hold: the file is corrupt")
    return size + 8


def _tag(cursor: _Cursor) -> tuple[int, int]:
    """(data type, byte count) of the next element; a small element packs both in 4 bytes."""
    first = cursor.uint32("an element tag")
    if first >> 16:
        return first & 0xFFFF, first >> 16
    return first, cursor.uint32("an element tag")


def _element(cursor: _Cursor, what: str) -> tuple[int, bytes]:
    """(data type, bytes) of one sub-element, skipping its padding to 8 bytes."""
    start = cursor.position
    first = cursor.uint32(what)
    if first >> 16:  # small data element: 4 bytes of tag, up to 4 of data, 8 in all
        kind, size = first & 0xFFFF, first >> 16
        if size > 4:
            raise ValueError(f"the file is corrupt: {what} claims {size} bytes in a small element")
        chunk = cursor.take(4, what)[:size]
        return kind, chunk
    size = cursor.uint32(what)
    chunk = cursor.take(size, what)
    padding = (-(cursor.position - start)) % 8
    cursor.take(min(padding, cursor.end - cursor.position), what)
    return first, chunk


def _read_matrix(cursor: _Cursor, budget: _Budget) -> tuple[str, np.ndarray]:
    array_class, flag_bits, shape, name = _matrix_header(cursor)
    count = budget.check(shape, name)  # before converting: int8 data grows 8 times as float64
    if array_class == _CHAR_CLASS:
        array = _char_array(cursor, name, shape)
    else:
        array = _numeric_array(cursor, name, shape, _NUMERIC_CLASSES[array_class])
        array = array.astype(bool) if flag_bits & _LOGICAL else array
    budget.used += count
    return name, array


def _matrix_header(cursor: _Cursor) -> tuple[int, int, tuple[int, ...], str]:
    """(array class, flag bits, dimensions, name) at the start of a matrix element."""
    kind, flags = _element(cursor, "array flags")
    if kind != 6 or len(flags) != 8:
        raise ValueError("the file is corrupt: a variable's array flags are malformed")
    flag_word = int(np.frombuffer(flags[:4], dtype=cursor.order + "u4")[0])
    array_class, flag_bits = flag_word & 0xFF, (flag_word >> 8) & 0xFF
    kind, dims_bytes = _element(cursor, "dimensions")
    if kind != 5 or len(dims_bytes) < 8 or len(dims_bytes) % 4:
        raise ValueError("the file is corrupt: a variable's dimensions are malformed")
    shape = tuple(int(d) for d in np.frombuffer(dims_bytes, dtype=cursor.order + "i4"))
    if min(shape) < 0:
        raise ValueError(f"the file is corrupt: negative dimensions {shape}")
    kind, name_bytes = _element(cursor, "variable name")
    if kind not in (1, 2):
        raise ValueError("the file is corrupt: a variable name is not text")
    name = _name(name_bytes)
    if array_class in _REFUSED_CLASSES:
        raise ValueError(f"variable {name} is {_REFUSED_CLASSES[array_class]}; bp-desktop "
                         "reads numeric matrices and text only")
    if flag_bits & _COMPLEX:
        raise ValueError(f"variable {name} holds complex numbers; bp-desktop reads real "
                         "numbers only")
    if array_class != _CHAR_CLASS and array_class not in _NUMERIC_CLASSES:
        raise ValueError(f"variable {name} has unknown array class {array_class}")
    return array_class, flag_bits, shape, name


def _name(raw: bytes) -> str:
    try:
        name = raw.rstrip(b"\0").decode("ascii")
    except UnicodeDecodeError as error:
        raise ValueError("the file is corrupt: a variable name is not ASCII") from error
    if not name:
        return "(unnamed)"
    if not name.isprintable():
        raise ValueError(f"the file is corrupt: variable name {name!r:.40} is not printable")
    return name


def _numeric_array(cursor: _Cursor, name: str, shape: tuple[int, ...], code: str) -> np.ndarray:
    kind, raw = _element(cursor, f"the data of {name}")
    if kind not in _NUMERIC_TYPES:
        raise ValueError(f"the data of {name} has unknown type {kind}")
    stored = np.dtype(cursor.order + _NUMERIC_TYPES[kind])
    count = int(np.prod(shape, dtype=object))
    if len(raw) != count * stored.itemsize:
        raise ValueError(f"{name} declares shape {'×'.join(map(str, shape))} but holds "
                         f"{len(raw)} bytes of data: the file is corrupt")
    # MATLAB may store doubles in a smaller type when every value fits (e.g. uint8);
    # converting back to the array's class is exact.
    values = np.frombuffer(raw, dtype=stored).astype(np.dtype(code).newbyteorder("="))
    return values.reshape(shape, order="F")


def _char_array(cursor: _Cursor, name: str, shape: tuple[int, ...]) -> np.ndarray:
    kind, raw = _element(cursor, f"the text of {name}")
    codecs = {_MI_UTF8: "utf-8", 1: "latin-1", 2: "latin-1",
              _MI_UTF16: "utf-16", 4: "utf-16", 3: "utf-16",
              _MI_UTF32: "utf-32"}
    if kind not in codecs:
        raise ValueError(f"the text of {name} has unknown type {kind}")
    codec = codecs[kind]
    if codec in ("utf-16", "utf-32"):
        codec += "-le" if cursor.order == "<" else "-be"
    try:
        text = raw.decode(codec)
    except UnicodeDecodeError as error:
        raise ValueError(f"the text of {name} is not valid {codec}") from error
    if len(shape) != 2 or len(text) != shape[0] * shape[1]:
        raise ValueError(f"the text of {name} does not fit its shape {shape}: the file is corrupt")
    rows, cols = shape
    if not rows:
        return np.array([], dtype="U1")
    if not cols:
        return np.array([""] * rows, dtype=str)
    # column-major characters -> one string per row, without a Python object per character
    grid = np.frombuffer(text.encode("utf-32-le"), dtype="<U1").reshape((rows, cols), order="F")
    return np.ascontiguousarray(grid).view(f"<U{cols}").reshape(rows).astype(str)
