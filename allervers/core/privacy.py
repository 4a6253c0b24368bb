"""The personal-data check of DESIGN.md §4: free texts must not identify the people reached.

It looks for what usually identifies a person in a social worker's note: a phone number, an
e-mail address, a French social-security number (NIR), a date of birth. It warns; the person
then edits the text or confirms explicitly that it identifies no one.
"""

import re
from dataclasses import dataclass

PATTERNS = {
    "un numéro de téléphone": re.compile(
        r"(?<!\d)(?:(?:\+|00)33[\s.-]?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)"
    ),
    # The look-behind starts a match only where a run of address characters starts: without
    # it, a long run without "@" is rescanned from each of its characters (quadratic time).
    "une adresse e-mail": re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+\.[\w.-]+"),
    "un numéro de sécurité sociale": re.compile(
        r"(?<!\d)[12][\s.]?\d{2}[\s.]?(?:0[1-9]|1[0-2]|[2-9]\d)[\s.]?(?:\d{2}|2[AB])[\s.]?\d{3}"
        r"[\s.]?\d{3}(?:[\s.]?\d{2})?(?!\d)",
        re.IGNORECASE,
    ),
    "une date de naissance": re.compile(
        r"(?:\bné(?:e|s|es)?\b|\bnaissance\b|\bdate de naissance\b|\bddn\b)[^.\n]{0,20}?"
        r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}",
        re.IGNORECASE,
    ),
}


@dataclass(frozen=True)
class Finding:
    kind: str
    excerpt: str


def find_personal_data(text: str | None) -> list[Finding]:
    """What looks like personal data in `text`, in reading order."""
    if not text:
        return []
    found = []
    for kind, pattern in PATTERNS.items():
        found.extend((m.start(), Finding(kind, m.group(0))) for m in pattern.finditer(text))
    return [finding for _start, finding in sorted(found, key=lambda pair: pair[0])]


def warning(findings: list[Finding]) -> str:
    kinds = sorted({finding.kind for finding in findings})
    return (
        f"Ce texte semble contenir {', '.join(kinds)}. Aller-vers ne conserve aucune donnée "
        "permettant d'identifier les personnes accompagnées : retirez-la, ou confirmez que le "
        "texte n'identifie personne."
    )
