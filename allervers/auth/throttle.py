"""The sign-in limits: per account, and per network address with forgiveness and back-off.

Per account, LOGIN_MAX_FAILURES_PER_ACCOUNT failures in LOGIN_FAILURE_WINDOW refuse that
account, from every address, until the window ends.

Per address, the mistakes of a training room behind one address look exactly like an attacker
trying passwords on several accounts; what only the room produces is successful sign-ins. So:
- the failures on an account are *forgiven* (taken off the address's counts) as soon as that
  account signs in from that address: proving one password forgives only the guesses made on
  that account, which an attacker gains nothing from;
- the address has a budget of unforgiven failures (LOGIN_ADDRESS_MAX_FAILURES) and of distinct
  accounts with unforgiven failures (LOGIN_ADDRESS_MAX_ACCOUNTS), sized for a room of 30 where
  everyone fails three times before anyone succeeds; the count of accounts is what stops a
  spray of one password over many accounts early;
- past the budget, one try per back-off period, the period doubling from
  LOGIN_ADDRESS_BACKOFF_FIRST up to LOGIN_ADDRESS_BACKOFF_MAX (never a flat lock), and the
  address's counts then last LOGIN_ADDRESS_PENALTY after its last failure instead of
  LOGIN_FAILURE_WINDOW after its first, so that waiting a quarter of an hour does not buy a
  fresh budget.
The e-mail typed is counted whether or not it has an account, so the limits say nothing
about which e-mails exist.
"""

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from math import ceil

from flask import current_app

from allervers.auth import ratelimit

TOO_MANY_FOR_ACCOUNT = (
    "Trop de tentatives de connexion ont échoué. Patientez un quart d'heure avant de réessayer."
)
# 2**12 periods of 30 s already pass any sensible maximum; bounded so the product stays small.
_MAX_LEVEL = 12


@dataclass
class Attempt:
    """One try of an e-mail (already normalised) and a password from an address."""

    email: str
    address: str
    refusal: str | None = None
    over_budget: bool = False

    def key(self, name: str) -> str:
        return f"login:address:{self.address}:{name}"

    @property
    def account_key(self) -> str:
        return account_key(self.email)

    @property
    def pair_key(self) -> str:
        return self.key(_pair_suffix(self.email))


def account_key(email: str) -> str:
    return f"login:account:{email}"


def _pair_suffix(email: str) -> str:
    # Hashed: an e-mail is up to 254 characters and the key column holds 300.
    return "account:" + hashlib.sha256(email.encode()).hexdigest()[:32]


def begin(email: str, address: str) -> Attempt:
    """The attempt, with a French `refusal` when the password may not be checked now."""
    config = current_app.config
    attempt = Attempt(email, address)
    if ratelimit.count(attempt.account_key) >= config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]:
        attempt.refusal = TOO_MANY_FOR_ACCOUNT
    elif _budget_spent(attempt):
        attempt.over_budget = True
        attempt.refusal = _back_off(attempt)
    return attempt


def failed(attempt: Attempt) -> None:
    config = current_app.config
    window, moment = config["LOGIN_FAILURE_WINDOW"], ratelimit.now()
    ratelimit.hit(attempt.account_key, window)
    kept_end = ratelimit.ends_at(attempt.key("failures"))
    end = kept_end or moment + window
    if attempt.over_budget:
        end = max(end, moment + config["LOGIN_ADDRESS_PENALTY"])
    failures = ratelimit.hit_until(attempt.key("failures"), end)
    new_account = ratelimit.hit_until(attempt.pair_key, end) == 1
    if new_account or end != kept_end:  # the count of accounts keeps the same window
        accounts = ratelimit.hit_until(attempt.key("accounts"), end, int(new_account))
    else:
        accounts = ratelimit.count(attempt.key("accounts"))
    if not attempt.over_budget and (
        failures >= config["LOGIN_ADDRESS_MAX_FAILURES"]
        or accounts >= config["LOGIN_ADDRESS_MAX_ACCOUNTS"]
    ):
        end = moment + config["LOGIN_ADDRESS_PENALTY"]  # this failure spent the budget
        for key in (attempt.key("failures"), attempt.key("accounts"), attempt.pair_key):
            ratelimit.hit_until(key, end, 0)


def succeeded(attempt: Attempt) -> None:
    """The password is proven: forgive the failures on this account, here and everywhere."""
    ratelimit.reset(attempt.account_key)
    forgiven = ratelimit.count(attempt.pair_key)
    if forgiven:
        ratelimit.reset(attempt.pair_key)
        ratelimit.subtract(attempt.key("failures"), forgiven)
        ratelimit.subtract(attempt.key("accounts"), 1)


def forget_account(email: str) -> None:
    """Remove every count that names this e-mail, from every address (account deletion)."""
    ratelimit.reset(account_key(email))
    ratelimit.reset_matching("login:address:", ":" + _pair_suffix(email))


def forget(email: str, address: str) -> None:
    """Remove every count about this e-mail and this address (tests on the shared Redis)."""
    attempt = Attempt(email, address)
    for key in ("failures", "accounts", "level", "wait"):
        ratelimit.reset(attempt.key(key))
    ratelimit.reset(attempt.pair_key)
    ratelimit.reset(attempt.account_key)


def wait_message(seconds: int) -> str:
    if seconds < 60:
        when = f"{seconds} seconde{'s' if seconds > 1 else ''}"
    else:
        minutes = ceil(seconds / 60)
        when = f"{minutes} minute{'s' if minutes > 1 else ''}"
    return f"Trop de connexions ont échoué depuis votre réseau. Réessayez dans {when}."


def _budget_spent(attempt: Attempt) -> bool:
    config = current_app.config
    return (
        ratelimit.count(attempt.key("failures")) >= config["LOGIN_ADDRESS_MAX_FAILURES"]
        or ratelimit.count(attempt.key("accounts")) >= config["LOGIN_ADDRESS_MAX_ACCOUNTS"]
    )


def _back_off(attempt: Attempt) -> str | None:
    """None for the one try each period allows (claimed atomically), else the wait."""
    config = current_app.config
    end = ratelimit.ends_at(attempt.key("wait"))
    if end is None:
        level = min(ratelimit.count(attempt.key("level")), _MAX_LEVEL)
        first, longest = config["LOGIN_ADDRESS_BACKOFF_FIRST"], config["LOGIN_ADDRESS_BACKOFF_MAX"]
        if ratelimit.hit(attempt.key("wait"), min(first * 2**level, longest)) == 1:
            penalty_end = ratelimit.now() + config["LOGIN_ADDRESS_PENALTY"]
            ratelimit.hit_until(attempt.key("level"), penalty_end)
            return None
        end = ratelimit.ends_at(attempt.key("wait"))  # another worker claimed it just now
    left = (end - ratelimit.now()) if end else timedelta(seconds=1)
    return wait_message(max(ceil(left.total_seconds()), 1))
