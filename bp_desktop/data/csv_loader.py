"""Reading a CSV file into a Dataset, or explaining exactly what is wrong with it.

Two passes share one set of rules. The fast pass hands the numeric body to
numpy.loadtxt (C speed), a block of lines at a time; if anything at all looks off there,
the careful pass reads row by row, and it is the careful pass that decides: it either
lists every problem with its line and column (the first MAX_LISTED_PROBLEMS of them) or
returns the data. So a message never depends on which pass ran, and every failure is a
DatasetError. load_csv_features reads a file without labels by the same rules, and
preview_csv shows an import dialog how a file will be read.

Time: linear in the file's size (the number patterns cannot backtrack). Memory: the
decoded text, the final array and one block of lines at a time; never a Python object per
line of the whole file.
"""
from __future__ import annotations

import csv
import hashlib
import itertools
import math
import os
import re
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .dataset import MAX_CLASSES, Dataset, DatasetError, make_dataset, one_hot_problem
from .regular_files import FileTooLargeError, read_regular_file

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
MAX_LISTED_PROBLEMS = 20  # problems of a file listed in one message; the rest are counted
MAX_COLUMNS = 100_000
MAX_LABEL_CHARS = 200       # class names are for legends; numpy stores every label at the longest width
WHITESPACE = " "          # as a delimiter: any run of spaces and tabs (Octave's save -ascii)
AUTO_DELIMITERS = (",", ";", "\t", WHITESPACE)  # detection order breaks ties
_DETECTION_SAMPLE = 20    # non-blank lines looked at to detect delimiter and header
_BLOCK_CHARS = 1 << 20    # text per loadtxt call: progress granularity, bounded temporaries
# Possessive quantifiers (++, *+, ?+) never give back what they matched: matching is
# linear in the cell's length. The plain forms backtracked quadratically on a long
# run of digits ("1" * 30000 took 55 s, holding the GIL and so freezing the window).
NUMBER = re.compile(r"[+-]?+(?:[0-9]++(?:\.[0-9]*+)?+|\.[0-9]++)(?:[eE][+-]?+[0-9]++)?+")
_NOT_DELIMITERS = '0123456789.+-eE"\r\n#'  # parts of numbers, quotes, line ends, comments
_INTEGER = re.compile(r"[+-]?+[0-9]{1,9}+")
_NON_FINITE = re.compile(r"[+-]?+(?:nan|inf(?:inity)?+)", re.IGNORECASE)
_DECIMAL_COMMA = re.compile(r"[+-]?+(?:[0-9]++,[0-9]*+|,[0-9]++)(?:[eE][+-]?+[0-9]++)?+")

Progress = Callable[[float], None]
_NO_LABEL = object()      # label_column for files without labels: every column is a feature


def load_csv(path: str | os.PathLike, *, label_column: int | str | None = None,
             has_header: bool | None = None, delimiter: str | None = None,
             max_bytes: int = DEFAULT_MAX_BYTES, progress: Progress | None = None) -> Dataset:
    """A Dataset from a CSV file: features are all columns but the label column.

    label_column: 0-based index, negative index or header name (a string of digits is an
    index unless a header cell says exactly that); default the last column.
    has_header / delimiter: detected when None. delimiter "," ";" "\t", or " " for runs of
    whitespace. With ";" a decimal comma (1,5) is read as 1.5.
    progress(fraction) is called now and then from the calling thread; an exception it
    raises ends the load and propagates unchanged (a way to cancel).
    Raises DatasetError naming file, line (as an editor counts) and column on bad input,
    listing up to MAX_LISTED_PROBLEMS problems of the file at once. Things worth a second
    look that are not errors (labels that look like measurements) are in Dataset.warnings.
    """
    path = Path(path)
    _check_options(path.name, has_header, max_bytes)
    return _guarded(path.name, lambda: _load_dataset(path, label_column, has_header, delimiter,
                                                     max_bytes, _ProgressReporter(progress)))


def _load_dataset(path: Path, label_column, has_header, delimiter, max_bytes: int,
                  report: _ProgressReporter) -> Dataset:
    text, sha256 = _read_text(path, max_bytes, report)
    layout = _detect_layout(text, path.name, label_column, has_header, delimiter)
    X, labels, lines = _parse_body(text, layout, report)
    class_names, y = _classes(labels, layout)
    report(1.0)
    X.setflags(write=False)
    return make_dataset(X, y, class_names=class_names, feature_names=layout.feature_names,
                        source=str(path.absolute()), name=path.stem, sha256=sha256,
                        image_shape=square_image_shape(X.shape[1]), source_lines=lines,
                        warnings=label_warnings(class_names, path.name, layout.column_name(layout.label)))


@dataclass(frozen=True)
class Features:
    """The examples of a CSV file without labels: what a trained network predicts from."""

    X: np.ndarray                 # m × n, float64, read-only
    feature_names: list[str]
    source: str
    name: str
    sha256: str


def load_csv_features(path: str | os.PathLike, *, has_header: bool | None = None,
                      delimiter: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
                      progress: Progress | None = None) -> Features:
    """Every column of a CSV file as a feature, for files without a label column. The same
    rules, limits, encodings and messages as load_csv."""
    path = Path(path)
    _check_options(path.name, has_header, max_bytes)
    return _guarded(path.name, lambda: _load_features(path, has_header, delimiter, max_bytes,
                                                      _ProgressReporter(progress)))


def _load_features(path: Path, has_header, delimiter, max_bytes: int,
                   report: _ProgressReporter) -> Features:
    text, sha256 = _read_text(path, max_bytes, report)
    layout = _detect_layout(text, path.name, _NO_LABEL, has_header, delimiter)
    X, _, _ = _parse_body(text, layout, report)
    report(1.0)
    X.setflags(write=False)
    return Features(X, layout.feature_names, str(path.absolute()), path.stem, sha256)


def _read_text(path: Path, max_bytes: int, report: _ProgressReporter) -> tuple[_Text, str]:
    """The file's text with one kind of line end, and the sha256 of its bytes."""
    raw = _read_bytes(path, max_bytes, report)
    return _Text(_decode(raw, path.name)), hashlib.sha256(raw).hexdigest()


def _guarded(file: str, work):
    """work(), with a MemoryError turned into this file's DatasetError: the limits should
    prevent it, and if they do not, the user still learns which file was too much."""
    try:
        return work()
    except MemoryError:
        raise _fail(file, "does not fit in memory") from None


# ---------------------------------------------------------------- messages

def _fail(file: str, message: str, line: int | None = None, column: str | None = None) -> DatasetError:
    where = file + (f", line {line}" if line is not None else "") + (f", {column}" if column else "")
    return DatasetError(f"{where}: {message}")


def _quote(cell: str, limit: int = 40) -> str:
    """A cell as the message shows it: in double quotes, shortened, control characters escaped."""
    shown = cell if len(cell) <= limit else cell[:limit - 1] + "…"
    return '"' + "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in shown) + '"'


def _check_options(file: str, has_header, max_bytes) -> None:
    if has_header is not None and not isinstance(has_header, bool):
        raise _fail(file, f"has_header must be True, False or None (detect); got {has_header!r}")
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 0:
        raise _fail(file, f"max_bytes must be a whole number of bytes; got {max_bytes!r}")


# ---------------------------------------------------------------- bytes to lines

class _ProgressReporter:
    """Calls the user's callback with a non-decreasing fraction, at most every 1%."""

    def __init__(self, callback: Progress | None):
        self._callback = callback
        self._last = -1.0

    def __call__(self, fraction: float) -> None:
        fraction = min(max(fraction, 0.0), 1.0)
        if self._callback is not None and (fraction >= self._last + 0.01 or fraction == 1.0 > self._last):
            self._last = fraction
            self._callback(fraction)


def _read_bytes(path: Path, max_bytes: int, report: _ProgressReporter) -> bytes:
    """The whole file, refusing more than max_bytes (also for files that grow or never end)
    and anything but a regular file (a FIFO would block for ever)."""
    try:
        return read_regular_file(path, max_bytes, lambda done, size: report(0.2 * min(done / size, 1.0)))
    except FileTooLargeError as error:
        raise _fail(path.name, error.strerror) from None
    except OSError as error:
        raise _fail(path.name, f"cannot read the file ({error.strerror or error})") from None


def _decode(raw: bytes, file: str) -> str:
    """UTF-8 (with or without BOM), or UTF-16 with a BOM (a spreadsheet's 'Unicode text')."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            raise _fail(file, "starts like UTF-16 text but is not valid UTF-16; save it as UTF-8") from None
        if "\x00" in text:
            raise _fail(file, "contains a NUL character, so it is binary data, not a CSV text file",
                        _Text(text[:text.index("\x00")]).line_count)
        return text
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise _fail(file, "contains a NUL byte, so it is binary data, not a CSV text file",
                    _line_of_offset(raw, nul))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = _line_of_offset(raw, error.start)
        raise _fail(file, f"byte 0x{raw[error.start]:02X} is not UTF-8 text; save the file as UTF-8 "
                          "(in a spreadsheet: CSV UTF-8)", line) from None


def _line_of_offset(raw: bytes, offset: int) -> int:
    head = raw[:offset].replace(b"\r\n", b"\n")
    return head.count(b"\n") + head.count(b"\r") + 1


class _Text:
    """The decoded file with one line end, "\n", and its lines as an editor numbers them:
    CRLF, CR and LF each end a line, nothing else does, and a final line end opens an
    empty last line."""

    def __init__(self, text: str):
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        self.text = text
        self.line_count = text.count("\n") + 1

    @property
    def last_text_line(self) -> int:
        """The last line that can hold text (1-based)."""
        return self.line_count - self.text.endswith("\n")

    def offset_of(self, line_index: int) -> int:
        """Where the 0-based line starts in the text."""
        offset = 0
        for _ in range(line_index):
            offset = self.text.index("\n", offset) + 1
        return offset

    def lines(self, start_index: int = 0) -> Iterator[str]:
        """The lines from the 0-based start_index on, one at a time, without line ends."""
        text, offset = self.text, self.offset_of(start_index)
        while True:
            end = text.find("\n", offset)
            if end < 0:
                yield text[offset:]
                return
            yield text[offset:end]
            offset = end + 1


# ---------------------------------------------------------------- records

@dataclass(frozen=True)
class _Record:
    line: int             # 1-based line where the record starts
    last_line: int        # 1-based line where it ends (quoted cells may span lines)
    fields: list[str]


def _records(lines: Iterator[str], start: int, delimiter: str, file: str) -> Iterator[_Record]:
    """Non-blank records from `lines`, the first of which has 0-based index `start`; quotes
    honoured, blank records skipped."""
    if delimiter == WHITESPACE:
        for index, line in enumerate(lines, start):
            fields = [] if _is_comment(line) else [_unquote(field) for field in line.split()]
            if any(field.strip() for field in fields):
                yield _Record(index + 1, index + 1, fields)
        return
    source = ("\n" if _is_comment(line) else line + "\n" for line in lines)  # keeps line numbers
    reader = csv.reader(source, delimiter=delimiter, quotechar='"', doublequote=True,
                        skipinitialspace=True, strict=False)
    consumed = start
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            problem = (f"a cell is longer than {csv.field_size_limit()} characters"
                       if "field limit" in str(error) else f"cannot be read as CSV ({error})")
            raise _fail(file, problem, consumed + 1) from None
        first, consumed = consumed + 1, start + reader.line_num
        if any(field.strip() for field in fields):
            yield _Record(first, consumed, fields)


def _is_comment(line: str) -> bool:
    """A whole-line comment, as Octave's `save` writes above the numbers (# name: X)."""
    return line.lstrip().startswith("#")


def _unquote(field: str) -> str:
    return field[1:-1] if len(field) >= 2 and field[0] == field[-1] == '"' else field


def _is_number(cell: str, decimal_comma: bool) -> bool:
    cell = cell.strip()
    return bool(NUMBER.fullmatch(cell) or _NON_FINITE.fullmatch(cell)
                or (decimal_comma and _DECIMAL_COMMA.fullmatch(cell)))


# ---------------------------------------------------------------- layout

@dataclass(frozen=True)
class _Layout:
    file: str
    delimiter: str
    header: list[str] | None
    header_line: int           # 1-based line of the header (0 without one)
    body_start: int            # 0-based index of the first line after the header
    columns: int
    label: int | None          # 0-based label column; None: no labels, all columns are features
    feature_names: list[str]

    @property
    def features(self) -> list[int]:
        return [j for j in range(self.columns) if j != self.label]

    @property
    def decimal_comma(self) -> bool:
        return self.delimiter == ";"

    def column_name(self, j: int) -> str:
        """How messages name column j: its header name if it has one, else its 1-based number."""
        if self.header and self.header[j].strip():
            return f"column {_quote(' '.join(self.header[j].split()))}"
        return f"column {j + 1}"


def _detect_layout(text: _Text, file: str, label_column, has_header, delimiter) -> _Layout:
    start, excel_delimiter = _excel_separator_line(text)
    if delimiter is None:
        delimiter = excel_delimiter or _sniff_delimiter(text, start, file)
    delimiter = _checked_delimiter(delimiter, file)
    head = list(itertools.islice(_records(text.lines(start), start, delimiter, file), 2))
    if not head:
        message = "the file is empty" if not text.text else "the file has only blank or comment lines"
        raise _fail(file, message)
    first = head[0]
    _check_closed_quotes(first, text, file)
    columns = len(first.fields)
    if columns > MAX_COLUMNS:
        raise _fail(file, f"{columns} columns; at most {MAX_COLUMNS} are supported", first.line)
    if columns < 2 and label_column is not _NO_LABEL:
        raise _fail(file, f"only one column found ({_quote(first.fields[0])}); a CSV file needs feature "
                          "columns and a label column, separated by commas, semicolons, tabs or spaces",
                    first.line)
    if has_header is None and isinstance(label_column, str) and not _INTEGER.fullmatch(label_column.strip()):
        has_header = True  # a label column named by its header
    if has_header is None:
        label_guess = None if label_column is _NO_LABEL else _label_index(label_column, columns, None, file)
        has_header = _looks_like_header(head, label_guess, delimiter == ";")
    header = first.fields if has_header else None
    label = None if label_column is _NO_LABEL else _label_index(label_column, columns, header, file)
    if header is not None and len(head) == 1:
        raise _fail(file, "there is only a header row, no data rows below it", first.line)
    names = ([" ".join(field.split()) or f"x{j + 1}" for j, field in enumerate(header)] if header
             else [f"x{j + 1}" for j in range(columns)])
    feature_names = [name for j, name in enumerate(names) if j != label]
    return _Layout(file, delimiter, header, first.line if header else 0,
                   first.last_line if header else start, columns, label, feature_names)


def _excel_separator_line(text: _Text) -> tuple[int, str | None]:
    """Excel's optional first line `sep=;` names the delimiter: (lines to skip, delimiter)."""
    end = text.text.find("\n")
    first = text.text if end < 0 else text.text[:end]
    if len(first) == 5 and first.startswith("sep=") and first[4] not in _NOT_DELIMITERS:
        return (1 if end >= 0 else 0), first[4]
    return 0, None


def _checked_delimiter(delimiter, file: str) -> str:
    if not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in _NOT_DELIMITERS:
        raise _fail(file, f"the delimiter must be one character such as , ; tab or space "
                          f"(not a quote or part of a number); got {delimiter!r}")
    return delimiter


def _sniff_delimiter(text: _Text, start: int, file: str) -> str:
    """The candidate that splits the first lines into the most consistent, most numeric fields."""
    sample = list(itertools.islice((line for line in text.lines(start)
                                    if line.strip() and not _is_comment(line)), _DETECTION_SAMPLE))

    def score(candidate: str):
        try:
            rows = [r.fields for r in _records(iter(sample), 0, candidate, file)]
        except DatasetError:  # e.g. a huge quoted cell: judge the plain split, parsing will explain
            rows = [line.split(candidate) if candidate != WHITESPACE else line.split() for line in sample]
        if not rows:
            return (False, False, 0.0, 0)
        widths = {len(fields) for fields in rows}
        cells = [cell for fields in rows[1:] or rows for cell in fields]
        numeric = sum(_is_number(cell, candidate == ";") for cell in cells) / max(len(cells), 1)
        return (len(rows[0]) > 1, len(widths) == 1, numeric, len(rows[0]))

    scores = [(score(candidate), -order, candidate) for order, candidate in enumerate(AUTO_DELIMITERS)]
    return max(scores)[2]


def _looks_like_header(head: list[_Record], label: int | None, decimal_comma: bool) -> bool:
    """A header has a word where a feature value would be, or a word above a numeric label."""
    first = head[0].fields
    if any(cell.strip() and not _is_number(cell, decimal_comma)
           for j, cell in enumerate(first) if j != label):
        return True
    if label is None:
        return False
    second = head[1].fields if len(head) > 1 else None
    return (not _is_number(first[label], decimal_comma) and second is not None
            and label < len(second) and _is_number(second[label], decimal_comma))


def _label_index(label_column, columns: int, header: list[str] | None, file: str) -> int:
    if label_column is None:
        return columns - 1
    if isinstance(label_column, str):
        names = [" ".join(field.split()) for field in header or []]
        if not _INTEGER.fullmatch(label_column.strip()) or label_column.strip() in names:
            return _label_by_name(label_column, header, file)
        label_column = int(label_column)  # "-1" from a command line: an index, unless a header name
    if isinstance(label_column, bool) or not hasattr(label_column, "__index__"):
        raise _fail(file, f"the label column must be a column number or a header name; got {label_column!r}")
    index = label_column.__index__()
    if not -columns <= index < columns:
        raise _fail(file, f"there is no label column {index}: the file has {columns} columns "
                          f"(0..{columns - 1}, or -{columns}..-1 from the end)")
    return index % columns


def _label_by_name(name: str, header: list[str] | None, file: str) -> int:
    if header is None:
        raise _fail(file, f"the label column is given by name ({_quote(name)}) "
                          "but the file has no header row")
    names = [" ".join(field.split()) for field in header]
    for matches in ([j for j, h in enumerate(names) if h == name.strip()],
                    [j for j, h in enumerate(names) if h.casefold() == name.strip().casefold()]):
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise _fail(file, f"the header names column {_quote(name)} more than once "
                              f"(columns {', '.join(str(j + 1) for j in matches)})")
    shown = ", ".join(_quote(h) for h in names[:12]) + (", …" if len(names) > 12 else "")
    raise _fail(file, f"there is no column {_quote(name)} in the header; columns are {shown}")


def _check_closed_quotes(record: _Record, text: _Text, file: str) -> None:
    """A quoted cell that swallows the rest of the file has lost its closing quote."""
    last = text.last_text_line
    if record.last_line > record.line and record.last_line >= last:
        if text.text.count('"', text.offset_of(record.line - 1)) % 2:
            raise _fail(file, f"a quoted cell opened here is never closed (it runs to the end of the "
                              f"file, line {last}); is a closing quote missing?", record.line)


# ---------------------------------------------------------------- body

def _parse_body(text: _Text, layout: _Layout,
                report: _ProgressReporter) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features, labels and each data row's 1-based line."""
    fast = _parse_body_fast(text, layout, report)
    return fast if fast is not None else _parse_body_careful(text, layout, report)


def _parse_body_fast(text: _Text, layout: _Layout,
                     report) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """numpy.loadtxt on plain numeric rows, a block of lines at a time; None as soon as
    anything needs a closer look (quotes, a ragged row, an empty label, a bad number)."""
    body, start = text.text, text.offset_of(layout.body_start)
    if body.find('"', start) >= 0:
        return None
    rows_out = _RowCollector(body.count("\n", start) + 1, len(layout.features), len(body))
    labels: list[np.ndarray] = []
    lines: list[np.ndarray] = []
    comments = body.find("#", start) >= 0
    for block_end, rows, numbers in _line_blocks(body, start, layout.body_start + 1, comments):
        block_labels = _split_labels(rows, layout)
        values = _loadtxt(rows, layout) if block_labels is not None else None
        if values is None:
            return None
        rows_out.append(values)
        labels.append(np.array(block_labels, dtype=str))
        lines.append(numbers)
        report(0.2 + 0.75 * block_end / len(body))
    X = rows_out.array()
    if X is None or not np.isfinite(X).all():
        return None
    return X, np.concatenate(labels), np.concatenate(lines)


def _line_blocks(body: str, start: int, line: int,
                 comments: bool) -> Iterator[tuple[int, list[str], np.ndarray]]:
    """(end offset, lines other than blank and comment lines, their 1-based numbers) for
    blocks of about _BLOCK_CHARS characters; `line` is the number of the line at `start`."""
    while start < len(body):
        end = body.find("\n", start + _BLOCK_CHARS)
        end = len(body) if end < 0 else end
        block = body[start:end].split("\n")
        keep = [bool(text) and not text.isspace() and not (comments and _is_comment(text))
                for text in block]
        rows = list(itertools.compress(block, keep))
        if rows:
            yield end, rows, line + np.flatnonzero(np.fromiter(keep, bool, len(keep)))
        line += len(block)
        start = end + 1


def _loadtxt(rows: list[str], layout: _Layout) -> np.ndarray | None:
    if layout.decimal_comma:
        rows = [row.replace(",", ".") for row in rows]
    try:
        values = np.loadtxt(rows, delimiter=None if layout.delimiter == WHITESPACE else layout.delimiter,
                            comments=None, quotechar=None, usecols=layout.features,
                            dtype=np.float64, ndmin=2)
    except Exception:  # noqa: BLE001 - any trouble at all: the careful pass explains it
        return None
    return values if values.shape == (len(rows), len(layout.features)) else None


class _RowCollector:
    """Rows of features gathered block by block into one array. Filled in place when the
    line count bounds the size sensibly, else concatenated at the end (a file of mostly
    blank lines must not make us allocate for rows that never come)."""

    def __init__(self, max_rows: int, n: int, text_chars: int):
        sensible = max_rows * n * 8 <= 4 * text_chars + (1 << 20)
        self._array = np.empty((max_rows, n)) if sensible else None
        self._blocks: list[np.ndarray] = []
        self._filled = 0

    def append(self, values: np.ndarray) -> None:
        if self._array is not None:
            self._array[self._filled:self._filled + len(values)] = values
        else:
            self._blocks.append(values)
        self._filled += len(values)

    def array(self) -> np.ndarray | None:
        if self._filled == 0:
            return None
        if self._array is not None:
            return self._array[:self._filled]
        return np.concatenate(self._blocks)


def _split_labels(rows: list[str], layout: _Layout) -> list[str] | None:
    """Each row's label cell ([] without a label column), or None if a row has the wrong
    number of fields or a label that needs a closer look (empty, too long, overflowing)."""
    d, columns, label = layout.delimiter, layout.columns, layout.label
    if d == WHITESPACE:
        split = [row.split() for row in rows]
        if any(len(fields) != columns for fields in split):
            return None
        labels = [] if label is None else [fields[label] for fields in split]
    else:
        if any(row.count(d) != columns - 1 for row in rows):
            return None
        if label is None:
            labels = []
        elif label == columns - 1:
            labels = [row.rpartition(d)[2].strip() for row in rows]
        elif label == 0:
            labels = [row.partition(d)[0].strip() for row in rows]
        else:
            labels = [row.split(d)[label].strip() for row in rows]
    return labels if all(0 < len(label) <= MAX_LABEL_CHARS and not _overflows(label)
                         for label in labels) else None


def _overflows(label: str) -> bool:
    """A label spelled as a number too large for a float64 (1e400): such labels would all
    become one class, inf. Cheap for the usual labels: only long ones or ones with an e
    are parsed."""
    return ((len(label) > 300 or "e" in label or "E" in label) and bool(NUMBER.fullmatch(label))
            and not math.isfinite(float(label)))


class _Problems:
    """What the careful pass finds wrong, in file order: the first MAX_LISTED_PROBLEMS
    with line and column, the rest counted, so one look at the message shows them all."""

    def __init__(self, file: str):
        self.file, self.listed, self.count = file, [], 0

    def add(self, problem: str, line: int | None = None, column: str | None = None) -> None:
        self.add_message(str(_fail(self.file, problem, line, column)))

    def add_message(self, message: str) -> None:
        self.count += 1
        if len(self.listed) < MAX_LISTED_PROBLEMS:
            self.listed.append(message)

    def raise_if_any(self) -> None:
        if not self.count:
            return
        more = self.count - len(self.listed)
        tail = [f"{self.file}: … and {more} more problem{'s' * (more != 1)} ({self.count} in all)"]
        raise DatasetError("\n".join(self.listed + (tail if more else [])))


def _parse_body_careful(text: _Text, layout: _Layout,
                        report) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row by row with Python's csv module: the exact line and column of every problem."""
    file, features = layout.file, layout.features
    problems = _Problems(file)
    values, labels, label_blocks, lines = array("d"), [], [], array("q")
    records = _records(text.lines(layout.body_start), layout.body_start, layout.delimiter, file)
    try:
        for record in records:
            lines.append(record.line)
            if not _check_record(record, layout, text, problems):
                continue
            fields = record.fields
            values.extend(_cell_value(fields[j], record.line, j, layout, problems) for j in features)
            if layout.label is not None:
                labels.append(fields[layout.label].strip())
            if len(labels) == 4096:  # keep labels compact: no str object per row of a big file
                label_blocks.append(np.array(labels, dtype=str))
                labels = []
            if len(lines) % 4096 == 0:
                report(0.2 + 0.75 * record.line / text.line_count)
    except DatasetError as error:  # the reader cannot go on: a huge cell, a quote never closed
        problems.add_message(str(error))
    problems.raise_if_any()
    rows = len(lines)
    if rows == 0:
        raise _fail(file, "there is only a header row, no data rows below it", layout.header_line)
    label_blocks.append(np.array(labels, dtype=str))
    X = np.frombuffer(values, dtype=np.float64).reshape(rows, len(features))
    return X.copy(), np.concatenate(label_blocks), np.frombuffer(lines, dtype=np.int64).copy()


def _check_record(record: _Record, layout: _Layout, text: _Text, problems: _Problems) -> bool:
    """Adds what is wrong with a record's shape and label to problems; False when its
    cells cannot be told apart (then they are not looked at)."""
    file, fields = layout.file, record.fields
    _check_closed_quotes(record, text, file)
    if len(fields) != layout.columns:
        reference = (f"the header on line {layout.header_line}" if layout.header
                     else "the first row")
        problems.add(f"{len(fields)} fields, but {layout.columns} expected (as in {reference})",
                     record.line)
        return False
    spanning = [j for j, cell in enumerate(fields) if "\n" in cell]
    for j in spanning:
        problems.add(f"a quoted cell runs from line {record.line} to line {record.last_line}; "
                     "is a closing quote missing?", record.line, layout.column_name(j))
    if layout.label is not None:
        _check_label(fields[layout.label].strip(), record.line, layout, problems)
    return not spanning


def _check_label(label: str, line: int, layout: _Layout, problems: _Problems) -> None:
    column = layout.column_name(layout.label)
    if not label:
        trailing = layout.header and layout.label == layout.columns - 1 and not layout.header[-1].strip()
        hint = " (does every line end with a delimiter?)" if trailing else ""
        problems.add(f"the label is empty{hint}", line, column)
    elif len(label) > MAX_LABEL_CHARS:
        problems.add(f"the label {_quote(label)} is {len(label)} characters long; "
                     f"class names may have at most {MAX_LABEL_CHARS}", line, column)
    elif _overflows(label):
        problems.add(f"the label {_quote(label)} is too large for a 64-bit float, so it would not "
                     "be told apart from other such labels", line, column)


def _cell_value(cell: str, line: int, j: int, layout: _Layout, problems: _Problems) -> float:
    """The number in a feature cell; NaN after adding to problems what is wrong with it."""
    text = cell.strip()
    if layout.decimal_comma:  # exactly what the fast pass does before numpy sees the row
        text = text.replace(",", ".")
    if NUMBER.fullmatch(text):
        value = float(text)
        if math.isfinite(value):
            return value
        problem = f"{_quote(cell)} is too large for a 64-bit float"
    elif not text:
        problem = "the cell is empty (a missing value); every feature needs a number"
    elif _NON_FINITE.fullmatch(text):
        problem = f"{_quote(cell)} is not a finite number; fill in or remove missing values"
    elif _DECIMAL_COMMA.fullmatch(text):
        problem = (f"{_quote(cell)} is not a number (a decimal comma? use a point, "
                   "or ; as the delimiter)")
    else:
        problem = f"{_quote(cell)} is not a number"
    problems.add(problem, line, layout.column_name(j))
    return math.nan


# ---------------------------------------------------------------- classes

def _classes(labels: np.ndarray, layout: _Layout) -> tuple[list[str], np.ndarray]:
    return label_classes(labels, layout.file, layout.column_name(layout.label))


def label_classes(labels: np.ndarray, file: str, column: str) -> tuple[list[str], np.ndarray]:
    """Class names in a stable order (numbers numerically, words alphabetically) and the
    0-based class of each label. Shared by every loader, so a label column and a MAT-file's
    y give the same classes; `column` names the labels in messages."""
    spellings, inverse = np.unique(labels, return_inverse=True)
    spellings = [str(s) for s in spellings]
    if len(spellings) > MAX_CLASSES:
        raise _fail(file, f"{len(spellings)} different labels; is this really the label "
                          f"column? (at most {MAX_CLASSES} classes)", column=column)
    if all(NUMBER.fullmatch(s) for s in spellings):
        keys = [float(s) for s in spellings]
    else:
        keys = spellings
    distinct = sorted(set(keys))
    if len(distinct) < 2:
        raise _fail(file, f"every row has the label {_quote(str(labels[0]))}; "
                          "a classifier needs at least two classes", column=column)
    problem = one_hot_problem(labels.size, len(distinct))  # before Y is built
    if problem:
        raise _fail(file, f"{problem}; is this really the label column?", column=column)
    position = {key: k for k, key in enumerate(distinct)}
    names: dict[int, str] = {}
    for spelling, key in zip(spellings, keys):
        names.setdefault(position[key], spelling)  # "1" and "1.0" are one class, named as first sorted
    y = np.fromiter((position[key] for key in keys), dtype=np.int64, count=len(keys))[inverse.ravel()]
    return [names[k] for k in range(len(distinct))], y


def label_warnings(class_names: list[str], file: str, column: str) -> tuple[str, ...]:
    """Words for labels that load but may be a mistake: numbers with a fraction (0.1, 1.7)
    are measurements more often than classes, so the label column may be the wrong one."""
    fractional = [name for name in class_names if NUMBER.fullmatch(name) and float(name) % 1]
    if not fractional:
        return ()
    shown = ", ".join(fractional[:3]) + (", …" if len(fractional) > 3 else "")
    return (f"{file}, {column}: these labels look like numbers ({shown}; {len(class_names)} "
            "classes): is this the label column?",)


def square_image_shape(n: int) -> tuple[int, int] | None:
    """Pixel images: 64 → 8 × 8, 400 → 20 × 20, 784 → 28 × 28. Small n is rarely an image."""
    side = math.isqrt(n)
    return (side, side) if n >= 64 and side * side == n else None


# ---------------------------------------------------------------- preview

PREVIEW_CELLS = 200_000  # cells read to count each column's classes: a fraction of a second


@dataclass(frozen=True)
class CsvPreview:
    """How a CSV file will be read, for an import dialog to show before loading it."""

    delimiter: str                 # "," ";" "\t", or " " for runs of whitespace
    header: list[str] | None       # the header row's cells, None without one
    column_names: list[str]        # every column: its header name, or "column 3"
    rows: list[list[str]]          # the first data rows, cells as text
    label_column: int              # the label column: the one asked for, or the guess
    class_counts: list[int]        # distinct values of each column in the rows counted
    numeric: list[bool]            # whether each column holds only numbers in those rows
    rows_counted: int
    complete: bool                 # True when the counts cover every data row

    @property
    def columns(self) -> int:
        return len(self.column_names)


def preview_csv(path: str | os.PathLike, rows: int = 20, *, label_column: int | str | None = None,
                max_bytes: int = DEFAULT_MAX_BYTES) -> CsvPreview:
    """The delimiter, header, first rows and class counts of a CSV file, with the label
    column given or guessed (a column of words, else the last). Raises DatasetError for a
    file that load_csv would refuse before its first data row."""
    path = Path(path)
    _check_options(path.name, None, max_bytes)
    return _guarded(path.name, lambda: _preview(path, rows, label_column, max_bytes))


def guess_label_column(path: str | os.PathLike, *, max_bytes: int = DEFAULT_MAX_BYTES) -> int:
    """The label column preview_csv guesses (0-based; -1 when the file has no rows), for
    loading a file without asking: a column of words, else the last."""
    path = Path(path)
    _check_options(path.name, None, max_bytes)

    def guess() -> int:
        text, _ = _read_text(path, max_bytes, _ProgressReporter(None))
        return _guess_layout(text, path.name)[1]
    return _guarded(path.name, guess)


def _guess_layout(text: _Text, file: str) -> tuple[str, int]:
    """(delimiter, label column) as detection and the guess below find them."""
    start, excel_delimiter = _excel_separator_line(text)
    delimiter = _checked_delimiter(excel_delimiter or _sniff_delimiter(text, start, file), file)
    return delimiter, _guess_label_column(text, start, delimiter, file)


def _preview(path: Path, rows: int, label_column, max_bytes: int) -> CsvPreview:
    file = path.name
    text, _ = _read_text(path, max_bytes, _ProgressReporter(None))
    delimiter, guess = _guess_layout(text, file)
    layout = _detect_layout(text, file, guess if label_column is None else label_column, None, delimiter)
    limit = max(rows, PREVIEW_CELLS // layout.columns)
    records = list(itertools.islice(_records(text.lines(layout.body_start), layout.body_start,
                                             delimiter, file), limit + 1))
    complete = len(records) <= limit
    records = records[:limit]
    names = [" ".join(cell.split()) or f"column {j + 1}" for j, cell in enumerate(layout.header)] \
        if layout.header else [f"column {j + 1}" for j in range(layout.columns)]
    counts, numeric = _class_counts(records, layout.columns, layout.decimal_comma)
    return CsvPreview(delimiter, layout.header, names, [r.fields for r in records[:rows]], layout.label,
                      counts, numeric, len(records), complete)


def _guess_label_column(text: _Text, start: int, delimiter: str, file: str) -> int:
    """The label column a file most likely has: features must be numbers, so a column of
    words below the first row is the label (the last such); otherwise the last column. A
    column counts as words when most of its cells are: a stray typo in a feature does not."""
    sample = list(itertools.islice(_records(text.lines(start), start, delimiter, file), 50))
    if not sample:
        return -1
    columns = len(sample[0].fields)
    body = sample[1:] or sample

    def mostly_words(j: int) -> bool:
        cells = [r.fields[j].strip() for r in body if j < len(r.fields) and r.fields[j].strip()]
        words = sum(not _is_number(cell, delimiter == ";") for cell in cells)
        return words > len(cells) / 2
    words = [j for j in range(columns) if mostly_words(j)]
    return words[-1] if words else columns - 1


def _class_counts(records: list[_Record], columns: int, decimal_comma: bool) -> tuple[list[int], list[bool]]:
    """Distinct values per column, numbers by value ("1" and "1.0" are one class), and
    whether a column holds numbers only (as a feature must)."""
    seen: list[set] = [set() for _ in range(columns)]
    for record in records:
        for j, cell in enumerate(record.fields[:columns]):
            cell = cell.strip()
            seen[j].add(float(cell) if NUMBER.fullmatch(cell) else cell)
    numeric = [all(isinstance(value, float) or _is_number(value, decimal_comma) for value in values)
               for values in seen]
    return [len(values) for values in seen], numeric
