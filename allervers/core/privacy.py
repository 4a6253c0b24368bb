"""The personal-data check of DESIGN.md §4: free texts must not identify the people reached.

It looks for what usually identifies a person in a social worker's note: a civil title followed
by a name, a street address, a phone number, an e-mail address, a French social-security number
(NIR) or IBAN (both checked with their key), a date of birth. It warns; the person then edits the
text or confirms explicitly that it identifies no one.

Contact details (phone, e-mail, street address) are flagged whoever they belong to: in a text
about practice they usually point at a person's home, the check cannot tell a home from a
structure's premises, and a structure's own details belong in its directory record. Names of
structures (« Centre social Jean Zay ») and titles followed by a function (« M. le maire ») are
not flagged. The measure against a corpus of notes is in tests/core/privacy_corpus.csv.

Every pattern is linear in the length of the text: each can start only at a boundary (a
look-behind or a fixed first character) and matches a bounded length, so no run of characters
is rescanned from each of its positions (tests/core/test_privacy.py times a hostile text).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

NAME = "le nom d'une personne"
ADDRESS = "une adresse postale"
PHONE = "un numéro de téléphone"
EMAIL = "une adresse e-mail"
NIR = "un numéro de sécurité sociale"
IBAN = "un IBAN"
BIRTH_DATE = "une date de naissance"
CONTACT_KINDS = frozenset({ADDRESS, PHONE, EMAIL})

UPPER = "A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸÆŒ"
LETTER = f"{UPPER}a-zàâäçéèêëîïôöùûüÿæœ"
# A name as written after a title: « Dupont », « DUPONT », « Jean-Pierre », « D. », « D ».
NAME_WORD = rf"[{UPPER}][{LETTER}'’-]*"
SPACE = r"[^\S\n]+"  # within a line: a name or an address does not run on to the next one
# Capitalised words after a title that are a function or an article, not a name
# (« M. le Maire », « Madame La Directrice », « Madame, Monsieur »), and the placeholders of an
# anonymised note (« Mme X »).
NOT_A_NAME = (
    r"(?!(?i:le|la|les|l['’]|du|de|des|d['’]|et|ou|maire|adjointe?|préfète?|sous-préfète?"
    r"|présidente?|vice-présidente?|directeur|directrice|docteur|dr|députée?|sénat(?:eur|rice)"
    r"|conseill(?:er|ère)|ministre|juge|procureure?|commissaire|cheffe?|responsable"
    r"|déléguée?|inspect(?:eur|rice)|proviseure?|principale?|rect(?:eur|rice)|professeure?"
    r"|capitaine|commandant|lieutenant|colonel|général|abbé|père|curé|pasteur|imam|rabbin"
    r"|monsieur|madame|mademoiselle|mmes?|mlles?|mr|m)\b|[XYZ]\b)"
)
# « M » alone must be a capital (« 5 m. de large »); the other titles in any case.
TITLE = r"(?:(?i:monsieur|madame|mademoiselle|mmes?|mlles?|melle|mr)|MM?)\.?"
FAMILY = r"(?i:famille|époux|épouse)"

# Street types that, after a number, are always an address: their name may be lower case.
STREET = (
    r"(?i:rue|ruelle|avenue|av\.|bd|blvd?\.?|boulevard|chemin|impasse|imp\.|allées?|quai"
    r"|faubourg|fbg|lotissement|lot\.|rond-point|sentier|venelle|lieu-dit|chaussée|cité"
    r"|résidence|hameau)"
)
# Street types that are also common words (« 1 place de parking », « 2 cours de français »):
# an address only when a capitalised name follows.
PLACE = (
    r"(?i:place|pl\.|route|rte|cours|square|sq\.|passage|voie|mail|villa|domaine|clos|parvis"
    r"|promenade|esplanade|montée|carrefour)"
)
ARTICLE = r"(?i:de\s+la|de\s+l['’]|du|des|de|d['’]|la|le|les|l['’])"
HOUSE_NUMBER = r"(?<![\w,.])\d{1,4}(?:\s?-\s?\d{1,4})?(?:\s?(?i:bis|ter|quater)\b|[A-D]\b)?,?"

MONTHS = (
    r"(?:janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre"
    r"|novembre|décembre|decembre)"
)
BIRTH = r"(?:\bné(?:e|s|es)?\b|\bnaissance\b|\bddn\b)"

PATTERNS = {
    NAME: re.compile(
        rf"(?<![\w.])(?:{TITLE}|{FAMILY}){SPACE}{NOT_A_NAME}{NAME_WORD}(?:{SPACE}{NAME_WORD}){{0,2}}"
    ),
    ADDRESS: re.compile(
        rf"{HOUSE_NUMBER}\s*(?:{STREET}\s+[{LETTER}]|{PLACE}\s+(?:{ARTICLE}\s*)?[{UPPER}])"
        rf"[{LETTER}'’-]*(?:{SPACE}(?:{ARTICLE}|{NAME_WORD})){{0,3}}"
        r"|(?<!\w)(?i:appartement|appart\.?|appt\.?|app\.)\s*(?:n°\s*)?\d{1,4}(?!\d)"
    ),
    PHONE: re.compile(r"(?<!\d)(?:(?:\+|00)33[\s.-]?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)"),
    # The look-behind starts a match only where a run of address characters starts: without
    # it, a long run without "@" is rescanned from each of its characters (quadratic time).
    EMAIL: re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+\.[\w.-]+"),
    # Sex, year, month, département (2A/2B for Corsica), commune, order, and the key, which
    # find_personal_data() checks; without a key, only after a word that announces a NIR.
    NIR: re.compile(
        r"(?<!\w)([1-478])[\s.-]?(\d{2})[\s.-]?(0[1-9]|1[0-2]|[2-9]\d)[\s.-]?(\d{2}|2[AB])"
        r"[\s.-]?(\d{3})[\s.-]?(\d{3})(?:[\s.-]?(\d{2}))?(?!\d)",
        re.IGNORECASE,
    ),
    IBAN: re.compile(r"(?<!\w)FR\d{2}(?:[ ]?[0-9A-Z]{4}){5}[ ]?[0-9A-Z]{3}(?!\w)", re.IGNORECASE),
    BIRTH_DATE: re.compile(
        rf"{BIRTH}[^.\n]{{0,20}}?(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}"
        rf"|\d{{1,2}}(?:er)?\s+{MONTHS}\s+\d{{4}})",
        re.IGNORECASE,
    ),
}

NIR_ANNOUNCED = re.compile(
    r"(?:\bNIR|\bs[ée]cu(?:rit[ée]\s+sociale)?|\bINSEE|\bcarte\s+vitale)\b[^\d\n]{0,20}$",
    re.IGNORECASE,
)


def nir_is_valid(match: re.Match) -> bool:
    """A 15-digit NIR whose key is 97 − (its 13 digits mod 97), Corsica's 2A and 2B counting
    as 19 and 18; a 13-digit one when a word announces it (« NIR », « sécu », « carte Vitale »)."""
    *parts, key = match.groups()
    if key is None:
        return bool(NIR_ANNOUNCED.search(match.string, max(0, match.start() - 40), match.start()))
    digits = "".join(parts).upper().replace("2A", "19").replace("2B", "18")
    return 97 - int(digits) % 97 == int(key)


def iban_is_valid(match: re.Match) -> bool:
    """The ISO 13616 check: the four first characters moved to the end, letters as 10–35,
    the number mod 97 is 1."""
    compact = match.group(0).replace(" ", "").upper()
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(char, 36)) for char in rearranged)) % 97 == 1


CHECKS: dict[str, Callable[[re.Match], bool]] = {NIR: nir_is_valid, IBAN: iban_is_valid}


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
        check = CHECKS.get(kind, bool)
        found.extend(
            (m.start(), Finding(kind, m.group(0))) for m in pattern.finditer(text) if check(m)
        )
    return [finding for _start, finding in sorted(found, key=lambda pair: pair[0])]


def kinds_of(findings: list[Finding]) -> str:
    """The kinds found, each once: « un numéro de téléphone, une adresse postale »."""
    return ", ".join(sorted({finding.kind for finding in findings}))


def import_problem(text: str | None, accepted: frozenset[str] = frozenset()) -> str | None:
    """What an imported cell holds that a form would have asked to confirm: a file has no
    confirmation box, so the row is refused (the text can be confirmed in its form later)."""
    findings = [f for f in find_personal_data(text) if f.kind not in accepted]
    if not findings:
        return None
    return f"semble contenir {kinds_of(findings)} : retirez ces données du fichier"


def warning(findings: list[Finding]) -> str:
    return (
        f"Ce texte semble contenir {kinds_of(findings)}. Aller-vers ne conserve aucune donnée "
        "permettant d'identifier les personnes accompagnées : retirez-la, ou confirmez que le "
        "texte n'identifie personne."
    )
