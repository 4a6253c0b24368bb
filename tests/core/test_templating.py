"""Figures as a French reader reads them."""

import pytest

from allervers.core.templating import number_fr

THIN = "\N{NARROW NO-BREAK SPACE}"


@pytest.mark.parametrize(
    ("value", "shown"),
    [(None, ""), (12.0, "12"), (2.5, "2,5"), (1.25, "1,25"), (1500, f"1{THIN}500"),
     (2_500_000.0, f"2{THIN}500{THIN}000")],
)  # fmt: skip
def test_number_fr(value, shown):
    assert number_fr(value) == shown
