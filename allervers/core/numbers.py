"""Figures as a French reader reads them."""


def number_fr(value: float | None) -> str:
    """12.0 → « 12 », 2.5 → « 2,5 », 1500 → « 1 500 »: how a French reader reads a figure."""
    if value is None:
        return ""
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", "\N{NARROW NO-BREAK SPACE}")
    return f"{value:.2f}".rstrip("0").replace(".", ",")
