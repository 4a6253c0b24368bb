"""French plurals: « 0 structure », « 1 structure ajoutée », « 2 structures ajoutées »."""

from allervers.core.numbers import number_fr


def is_plural(count: float | None) -> bool:
    """French rule: 0 and 1 (and anything below 2) take the singular."""
    return count is not None and abs(count) >= 2


def plural_word(count: float | None, singular: str, plural: str | None = None) -> str:
    """The word (or words) agreeing with `count`, without the number.

    `plural` defaults to `singular` + « s »; give it for « nouveau / nouveaux » or for a phrase
    whose words all agree (« structure ajoutée » / « structures ajoutées »).
    """
    if not is_plural(count):
        return singular
    return plural if plural is not None else singular + "s"


def plural(count: float | None, singular: str, plural: str | None = None) -> str:
    """« 3 structures ajoutées »: the number (French digits) followed by the agreeing words."""
    return f"{number_fr(count or 0)} {plural_word(count, singular, plural)}"
