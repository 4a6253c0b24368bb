"""Password hashing (scrypt by default, through Werkzeug) and the password rules."""

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

MIN_LENGTH = 12
MAX_LENGTH = 128
# zxcvbn's scores go from 0 (guessed at once) to 4; 3 means « safely unguessable »
# (about 10^10 guesses), what it recommends for an online service.
MIN_SCORE = 3
# zxcvbn refuses longer passwords (its matching is quadratic): the first characters are
# scored; a longer password is at least that strong.
SCORED_LENGTH = 72
# Words anyone would try first against this platform's accounts.
SITE_WORDS = ("allervers", "aller-vers", "aller vers")
RULES = (
    f"Au moins {MIN_LENGTH} caractères. Une phrase de quelques mots peu courants, facile à "
    "retenir, convient très bien ; évitez votre nom, votre adresse e-mail et les mots de passe "
    "courants."
)
TOO_WEAK = "Ce mot de passe est trop facile à deviner."

# zxcvbn's feedback is in English (and its gettext catalogue has no French): ours, sentence
# for sentence. A sentence missing here (a new zxcvbn release) falls back to the general advice.
FRENCH_FEEDBACK = {
    "Use a few words, avoid common phrases.": (
        "Utilisez quelques mots, en évitant les expressions courantes."
    ),
    "No need for symbols, digits, or uppercase letters.": (
        "Inutile d'ajouter symboles, chiffres ou majuscules."
    ),
    "Add another word or two. Uncommon words are better.": (
        "Ajoutez un ou deux mots, de préférence peu courants."
    ),
    "Straight rows of keys are easy to guess.": (
        "Une rangée de touches du clavier se devine facilement."
    ),
    "Short keyboard patterns are easy to guess.": (
        "Un court motif de touches du clavier se devine facilement."
    ),
    "Use a longer keyboard pattern with more turns.": (
        "Évitez les motifs dessinés sur le clavier."
    ),
    'Repeats like "aaa" are easy to guess.': (
        "Les répétitions comme « aaa » se devinent facilement."
    ),
    'Repeats like "abcabcabc" are only slightly harder to guess than "abc".': (
        "Une répétition comme « abcabcabc » se devine presque aussi vite que « abc »."
    ),
    "Avoid repeated words and characters.": "Évitez de répéter des mots ou des caractères.",
    'Sequences like "abc" or "6543" are easy to guess.': (
        "Les suites comme « abc » ou « 6543 » se devinent facilement."
    ),
    "Avoid sequences.": "Évitez les suites de lettres ou de chiffres.",
    "Recent years are easy to guess.": "Les années récentes se devinent facilement.",
    "Avoid recent years.": "Évitez les années récentes.",
    "Avoid years that are associated with you.": "Évitez les années qui vous concernent.",
    "Dates are often easy to guess.": "Les dates se devinent souvent facilement.",
    "Avoid dates and years that are associated with you.": (
        "Évitez les dates et les années qui vous concernent."
    ),
    "This is a top-10 common password.": "C'est l'un des dix mots de passe les plus courants.",
    "This is a top-100 common password.": "C'est l'un des cent mots de passe les plus courants.",
    "This is a very common password.": "C'est un mot de passe très courant.",
    "This is similar to a commonly used password.": (
        "Il ressemble à un mot de passe très courant."
    ),
    "A word by itself is easy to guess.": "Un mot seul se devine facilement.",
    "Names and surnames by themselves are easy to guess.": (
        "Un prénom ou un nom seul se devine facilement."
    ),
    "Common names and surnames are easy to guess.": (
        "Les prénoms et noms courants se devinent facilement."
    ),
    "Capitalization doesn't help very much.": "Une majuscule au début n'aide pas beaucoup.",
    "All-uppercase is almost as easy to guess as all-lowercase.": (
        "Tout en majuscules se devine presque aussi vite que tout en minuscules."
    ),
    "Reversed words aren't much harder to guess.": (
        "Un mot écrit à l'envers ne se devine pas beaucoup moins vite."
    ),
    "Predictable substitutions like '@' instead of 'a' don't help very much.": (
        "Les substitutions prévisibles comme « @ » pour « a » n'aident pas beaucoup."
    ),
}
GENERAL_ADVICE = "Ajoutez un ou deux mots, de préférence peu courants."
PERSONAL_WORDS = "Évitez votre nom, votre adresse e-mail et le nom de la plateforme."
LEVELS = ("très faible", "très faible", "faible", "correct", "fort")

# zxcvbn keeps the user's words in a module-level dictionary while it scores: two threads
# scoring at once would mix their users' words.
_scoring = threading.Lock()


@dataclass(frozen=True)
class Strength:
    """What the strength meter shows and what the forms refuse."""

    score: int  # 0 to 4, zxcvbn's scale
    problem: str | None  # the French refusal, None when the password is accepted

    @property
    def level(self) -> str:
        return LEVELS[self.score]


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def verify_password(password_hash: str | None, password: str) -> bool:
    if password_hash is None:
        check_password_hash(_dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)
        return False
    return check_password_hash(password_hash, password)


@cache
def _dummy_hash(method: str) -> str:
    """Checked against when the e-mail is unknown, so that a refusal costs one hash either way.

    Made once per process: computing it on each call (as `dict.setdefault(key, hash(...))`
    did) doubled the cost and told which e-mails have an account.
    """
    return generate_password_hash("not-a-real-password", method=method)


def password_problem(password: str, user_inputs: Iterable[str | None] = ()) -> str | None:
    """The French message explaining why a new password is refused, or None.

    `user_inputs`: the person's e-mail, name… which the password should not be built on.
    """
    return password_strength(password, user_inputs).problem


def password_strength(password: str, user_inputs: Iterable[str | None] = ()) -> Strength:
    if len(password) > MAX_LENGTH:
        return Strength(4, f"Le mot de passe ne doit pas dépasser {MAX_LENGTH} caractères.")
    words = personal_words(user_inputs)
    result = _score(password, words)
    score = result["score"]
    if len(password) < MIN_LENGTH:
        short = f"Le mot de passe doit compter au moins {MIN_LENGTH} caractères."
        return Strength(min(score, 2), short)
    if score < MIN_SCORE:
        return Strength(score, " ".join([TOO_WEAK, *_advice(result)]))
    if _mostly_personal(password, words):
        return Strength(2, f"{TOO_WEAK} {PERSONAL_WORDS}")
    return Strength(score, None)


def personal_words(user_inputs: Iterable[str | None]) -> list[str]:
    """Each input, and its pieces (« marie.dupont@ccas.fr » → marie, dupont, ccas…)."""
    words = list(SITE_WORDS)
    for text in filter(None, user_inputs):
        lowered = text.strip().lower()
        words.append(lowered)
        words.extend(lowered.split("@")[:1])
        words.extend(piece for piece in re.split(r"[\W_]+", lowered) if len(piece) >= 3)
    return list(dict.fromkeys(words))


def _mostly_personal(password: str, words: list[str]) -> bool:
    """Half or more of the letters and digits are the person's own words (« Marie Dupont
    1985 »): zxcvbn counts such a word as any first name, which its dictionaries also hold."""
    rest = password.lower()
    for word in sorted(words, key=len, reverse=True):
        if len(word) >= 3:
            rest = rest.replace(word, "")
    kept = sum(character.isalnum() for character in rest)
    return kept * 2 <= sum(character.isalnum() for character in password)


def _score(password: str, words: list[str]) -> dict:
    with _scoring:
        return zxcvbn(password[:SCORED_LENGTH], user_inputs=words)


def _advice(result: dict) -> list[str]:
    """zxcvbn's warning and suggestions, in French; ours when the user's own words are used."""
    if any(match.get("dictionary_name") == "user_inputs" for match in result["sequence"]):
        return [PERSONAL_WORDS]
    feedback = result["feedback"]
    sentences = [feedback["warning"], *feedback["suggestions"]]
    french = [FRENCH_FEEDBACK.get(sentence, GENERAL_ADVICE) for sentence in sentences if sentence]
    return list(dict.fromkeys(french)) or [GENERAL_ADVICE]
