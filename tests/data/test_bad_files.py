"""Every file in bad/ must fail with exactly the message below: file, line, column, problem.

The table is the specification of what users read; a file without an entry fails the suite.
"""
from pathlib import Path

import pytest

from bp_desktop.data import DatasetError, load_csv

BAD = Path(__file__).parent / "bad"

# file name -> (keyword arguments for load_csv, the exact message)
EXPECTED = {
    "empty.csv": ({}, "empty.csv: the file is empty"),
    "blank_lines_only.csv": ({}, "blank_lines_only.csv: the file has only blank or comment lines"),
    "header_only.csv": ({}, "header_only.csv, line 1: there is only a header row, no data rows below it"),
    "header_only_after_blank_lines.csv": (
        {}, "header_only_after_blank_lines.csv, line 3: there is only a header row, no data rows below it"),
    "ragged_short_row.csv": (
        {}, "ragged_short_row.csv, line 4: 2 fields, but 3 expected (as in the header on line 1)"),
    "ragged_long_row_no_header.csv": (
        {}, "ragged_long_row_no_header.csv, line 3: 4 fields, but 3 expected (as in the first row)"),
    "tab_missing_field.tsv": (
        {}, "tab_missing_field.tsv, line 4: 3 fields, but 4 expected (as in the header on line 1)"),
    "not_a_number.csv": ({}, 'not_a_number.csv, line 17, column "x3": "abc" is not a number'),
    "empty_cell.csv": (
        {}, 'empty_cell.csv, line 3, column "b": the cell is empty (a missing value); '
            "every feature needs a number"),
    "nan_cell.csv": (
        {}, 'nan_cell.csv, line 4, column "b": "NaN" is not a finite number; fill in or remove missing values'),
    "inf_cell.csv": (
        {}, 'inf_cell.csv, line 2, column "b": "-inf" is not a finite number; fill in or remove missing values'),
    "nan_in_first_row.csv": (
        {}, 'nan_in_first_row.csv, line 1, column 1: "NaN" is not a finite number; '
            "fill in or remove missing values"),
    "too_large_number.csv": (
        {}, 'too_large_number.csv, line 3, column "a": "1e999" is too large for a 64-bit float'),
    "hex_number.csv": ({}, 'hex_number.csv, line 2, column "a": "0x1F" is not a number'),
    "underscore_number.csv": ({}, 'underscore_number.csv, line 2, column "a": "1_000" is not a number'),
    "control_character.csv": ({}, 'control_character.csv, line 2, column "b": "2\\x07" is not a number'),
    "decimal_comma_in_comma_file.csv": (
        {}, 'decimal_comma_in_comma_file.csv, line 2, column "a": "1,5" is not a number '
            "(a decimal comma? use a point, or ; as the delimiter)"),
    "semicolon_word.csv": ({}, 'semicolon_word.csv, line 3, column "b": "x" is not a number'),
    "octave_ascii_word.txt": ({}, 'octave_ascii_word.txt, line 2, column 2: "abc" is not a number'),
    "crlf_line_count.csv": ({}, 'crlf_line_count.csv, line 4, column "b": "x" is not a number'),
    "cr_only_line_count.csv": ({}, 'cr_only_line_count.csv, line 4, column "b": "oops" is not a number'),
    "bom_header_word.csv": ({}, 'bom_header_word.csv, line 3, column "weight": "heavy" is not a number'),
    "blank_lines_in_middle.csv": ({}, 'blank_lines_in_middle.csv, line 6, column "b": "?" is not a number'),
    "nul_byte.csv": (
        {}, "nul_byte.csv, line 3: contains a NUL byte, so it is binary data, not a CSV text file"),
    "png_renamed.csv": (
        {}, "png_renamed.csv, line 3: contains a NUL byte, so it is binary data, not a CSV text file"),
    "latin1_text.csv": (
        {}, "latin1_text.csv, line 3: byte 0xE9 is not UTF-8 text; save the file as UTF-8 "
            "(in a spreadsheet: CSV UTF-8)"),
    "utf16_broken.csv": (
        {}, "utf16_broken.csv: starts like UTF-16 text but is not valid UTF-16; save it as UTF-8"),
    "single_column.csv": (
        {}, 'single_column.csv, line 1: only one column found ("1"); a CSV file needs feature columns '
            "and a label column, separated by commas, semicolons, tabs or spaces"),
    "pipe_delimited.csv": (
        {}, 'pipe_delimited.csv, line 1: only one column found ("a|b|y"); a CSV file needs feature '
            "columns and a label column, separated by commas, semicolons, tabs or spaces"),
    "one_class.csv": (
        {}, 'one_class.csv, column "label": every row has the label "1"; '
            "a classifier needs at least two classes"),
    "too_many_classes.csv": (
        {}, 'too_many_classes.csv, column "id": 1001 different labels; is this really the label column? '
            "(at most 1000 classes)"),
    "empty_label.csv": ({}, 'empty_label.csv, line 3, column "y": the label is empty'),
    "label_too_long.csv": (
        {}, 'label_too_long.csv, line 3, column "y": the label "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…" '
            "is 300 characters long; class names may have at most 200"),
    "trailing_delimiter.csv": (  # every problem of a file is listed, one line each
        {}, "trailing_delimiter.csv, line 2, column 4: the label is empty "
            "(does every line end with a delimiter?)\n"
            "trailing_delimiter.csv, line 3, column 4: the label is empty "
            "(does every line end with a delimiter?)"),
    "unclosed_quote.csv": (
        {}, "unclosed_quote.csv, line 2: a quoted cell opened here is never closed (it runs to the end "
            "of the file, line 4); is a closing quote missing?"),
    "quoted_cell_spans_lines.csv": (
        {}, 'quoted_cell_spans_lines.csv, line 2, column "b": a quoted cell runs from line 2 to line 3; '
            "is a closing quote missing?"),
    "label_name_missing.csv": (
        {"label_column": "species"},
        'label_name_missing.csv: there is no column "species" in the header; columns are "a", "b", "y"'),
    "label_name_twice.csv": (
        {"label_column": "x"},
        'label_name_twice.csv: the header names column "x" more than once (columns 1, 2)'),
    "label_name_without_header.csv": (
        {"label_column": "y", "has_header": False},
        'label_name_without_header.csv: the label column is given by name ("y") '
        "but the file has no header row"),
    "label_index_out_of_range.csv": (
        {"label_column": 5},
        "label_index_out_of_range.csv: there is no label column 5: the file has 3 columns "
        "(0..2, or -3..-1 from the end)"),
    "label_column_float_argument.csv": (
        {"label_column": 1.0},
        "label_column_float_argument.csv: the label column must be a column number or a header name; "
        "got 1.0"),
    "over_size_limit.csv": (
        {"max_bytes": 100}, "over_size_limit.csv: the file is 246 bytes, more than the limit of 100 bytes"),
    "bad_delimiter_argument.csv": (
        {"delimiter": "."},
        "bad_delimiter_argument.csv: the delimiter must be one character such as , ; tab or space "
        "(not a quote or part of a number); got '.'"),
}


def test_every_bad_file_has_an_expected_message():
    on_disk = {p.name for p in BAD.iterdir() if not p.name.startswith(".")}
    assert on_disk == set(EXPECTED)
    assert len(on_disk) >= 25


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file_fails_with_its_exact_message(name):
    kwargs, message = EXPECTED[name]
    with pytest.raises(DatasetError) as caught:
        load_csv(BAD / name, **kwargs)
    assert str(caught.value) == message


def test_bad_files_are_stored_byte_for_byte():
    # .gitattributes keeps git from rewriting line ends, which the line numbers depend on
    assert (BAD / "crlf_line_count.csv").read_bytes().count(b"\r\n") == 4
    assert b"\r\n" not in (BAD / "cr_only_line_count.csv").read_bytes()
