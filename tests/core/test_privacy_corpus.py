"""The personal-data check measured on a corpus of social-work notes (privacy_corpus.csv).

Each line is a sentence, whether the check must warn on it (`personal`: oui/non, by the rule of
allervers/core/privacy.py: contact details are flagged whoever they belong to) and what it holds
(`kind`). Run `python -m tests.core.test_privacy_corpus` to print the figures by kind.
"""

import csv
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from allervers.core.privacy import find_personal_data

CORPUS = Path(__file__).with_name("privacy_corpus.csv")
RECALL_TARGET, FALSE_POSITIVE_TARGET = 0.90, 0.05


@dataclass(frozen=True)
class Measure:
    personal: int
    found: int
    ordinary: int
    flagged: int
    missed: list[str]
    false_alarms: list[str]

    @property
    def recall(self) -> float:
        return self.found / self.personal

    @property
    def false_positive_rate(self) -> float:
        return self.flagged / self.ordinary


def rows() -> list[dict[str, str]]:
    with CORPUS.open(encoding="utf-8", newline="") as corpus:
        return list(csv.DictReader(corpus, delimiter=";"))


def measure(lines: list[dict[str, str]]) -> Measure:
    personal = [row for row in lines if row["personal"] == "oui"]
    ordinary = [row for row in lines if row["personal"] == "non"]
    missed = [row["phrase"] for row in personal if not find_personal_data(row["phrase"])]
    false_alarms = [row["phrase"] for row in ordinary if find_personal_data(row["phrase"])]
    return Measure(
        personal=len(personal),
        found=len(personal) - len(missed),
        ordinary=len(ordinary),
        flagged=len(false_alarms),
        missed=missed,
        false_alarms=false_alarms,
    )


def test_the_corpus_is_large_and_balanced():
    lines = rows()
    assert len(lines) >= 100
    assert {row["personal"] for row in lines} == {"oui", "non"}
    counts = Counter(row["personal"] for row in lines)
    assert min(counts.values()) >= 0.45 * len(lines)
    assert len({row["phrase"] for row in lines}) == len(lines), "phrases en double"


def test_recall_and_false_positives_meet_their_targets():
    result = measure(rows())
    assert result.recall >= RECALL_TARGET, result.missed
    assert result.false_positive_rate <= FALSE_POSITIVE_TARGET, result.false_alarms


def test_the_structures_own_details_are_not_what_the_recall_rests_on():
    # By rule, a structure's address, phone or e-mail is flagged; the target holds without them.
    people = [row for row in rows() if "structure" not in row["kind"]]
    assert measure(people).recall >= RECALL_TARGET


def report() -> str:
    lines = rows()
    result = measure(lines)
    people = measure([row for row in lines if "structure" not in row["kind"]])
    by_kind = Counter(
        (row["personal"], row["kind"], bool(find_personal_data(row["phrase"]))) for row in lines
    )
    out = [
        f"{len(lines)} phrases : {result.personal} à signaler, {result.ordinary} sans donnée",
        f"rappel : {result.found}/{result.personal} = {result.recall:.1%}"
        f" (sans les coordonnées de structures : {people.recall:.1%})",
        f"faux positifs : {result.flagged}/{result.ordinary} = {result.false_positive_rate:.1%}",
        *(f"  manqué : {phrase}" for phrase in result.missed),
        *(f"  fausse alerte : {phrase}" for phrase in result.false_alarms),
        *(
            f"  {personal} · {kind} · {'signalé' if flagged else 'non signalé'} : {count}"
            for (personal, kind, flagged), count in sorted(by_kind.items())
        ),
    ]
    return "\n".join(out)


if __name__ == "__main__":
    print(report())
