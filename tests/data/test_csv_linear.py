"""Loading is linear in the file's size: no pattern can backtrack over a long cell.

A quadratic regular expression also froze the window, since re holds the GIL for the
whole match although loading runs in a background thread. So the tests check a
property of the patterns (no quantifier that can give back what it matched) and
load the issue's files, rather than timing anything.
"""
import re
import re._constants as sre
import re._parser as sre_parse

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bp_desktop.data import DatasetError, load_csv
from bp_desktop.data import csv_loader
from bp_desktop.io import csv_format

PATTERNS = {name: value for module in (csv_loader, csv_format)
            for name, value in vars(module).items() if isinstance(value, re.Pattern)}
OLD_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def backtracking_repeats(parsed) -> list:
    """Greedy or lazy repeats anywhere in a parsed pattern (possessive ones are fine)."""
    found = []
    for op, argument in parsed:
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            low, high, _ = argument
            if low != high:  # a fixed count has nothing to give back
                found.append((op, low, high))
        for part in argument if isinstance(argument, (tuple, list)) else [argument]:
            if isinstance(part, sre_parse.SubPattern):
                found += backtracking_repeats(part)
            elif isinstance(part, list):
                for sub in part:
                    if isinstance(sub, sre_parse.SubPattern):
                        found += backtracking_repeats(sub)
    return found


@pytest.mark.parametrize("name", sorted(n for n in PATTERNS if n != "_CSV_NAME"))
def test_cell_patterns_never_backtrack(name):
    pattern = PATTERNS[name]
    assert backtracking_repeats(sre_parse.parse(pattern.pattern, pattern.flags)) == []


def test_the_old_number_pattern_is_caught_by_the_check():
    assert backtracking_repeats(sre_parse.parse(OLD_NUMBER.pattern))


@given(st.text(alphabet="0123456789.+-eE,x ", max_size=12))
def test_number_pattern_accepts_what_it_always_accepted(cell):
    assert bool(csv_loader.NUMBER.fullmatch(cell)) == bool(OLD_NUMBER.fullmatch(cell))


@pytest.mark.parametrize("digits", [30_000, 60_000])
def test_the_issues_long_cell_is_reported_not_hung_on(tmp_path, digits):
    path = tmp_path / "long.csv"
    path.write_text("a,b,c\n" + "1" * digits + ",2,x\n3,4,y\n")
    with pytest.raises(DatasetError, match=r'line 2, column "a": "1+…" is too large'):
        load_csv(path)


def test_a_long_number_that_fits_loads(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("a,b,c\n0." + "0" * 50_000 + "1,2,x\n3,4,y\n")
    assert load_csv(path).X[0, 0] == 0.0  # underflows to zero, as float() says
