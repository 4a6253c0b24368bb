"""Per-address sign-in limits: a training room behind one address is never blocked, an attacker
behind one address is slowed down. On the database and on Redis."""

import random
import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest

from allervers.auth import ratelimit, services, throttle
from allervers.core.timeutil import utcnow
from tests.helpers import REDIS_URL, TEST_PASSWORD, csrf_token, redis_or_skip, text

ROOM_SIZE = 30
TYPOS = 3
QUARTER = timedelta(minutes=15)


@pytest.fixture
def address() -> str:
    """Unique per test: Redis keeps its counts between runs and between xdist workers."""
    return f"2001:db8::{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}"


@pytest.fixture
def clock(monkeypatch):
    """The counters' clock, moved by hand (database only: Redis expires keys on its own)."""
    moment = [utcnow()]
    monkeypatch.setattr(ratelimit, "now", lambda: moment[0])
    return moment


# ----- a training room ------------------------------------------------------------------------


def interleave(emails: list[str], how: str) -> list[str]:
    """The order in which the room's 120 tries (three typos, then the right password, for
    each person) reach the server."""
    steps = TYPOS + 1
    if how == "one after another":
        return [email for email in emails for _ in range(steps)]
    if how == "everyone fails before anyone succeeds":
        return [email for _ in range(steps) for email in emails]
    if how == "in waves of ten":
        waves = [emails[start : start + 10] for start in range(0, ROOM_SIZE, 10)]
        return [email for wave in waves for _ in range(steps) for email in wave]
    tries = [email for email in emails for _ in range(steps)]
    random.Random(how).shuffle(tries)  # a person's own tries keep their order (see below)
    return tries


@pytest.mark.parametrize(
    "how",
    ["one after another", "everyone fails before anyone succeeds", "in waves of ten", "shuffled"],
)
def test_a_room_of_thirty_who_each_fail_three_times_signs_in(app, make_user, address, how):
    emails = [make_user().email for _ in range(ROOM_SIZE)]
    typed: dict[str, int] = dict.fromkeys(emails, 0)
    for email in interleave(emails, how):
        right = typed[email] == TYPOS
        result = services.sign_in(email, TEST_PASSWORD if right else "faute", address)
        typed[email] += 1
        if right:
            assert result.user is not None, (email, result.error)
        else:
            assert result.error == services.WRONG_CREDENTIALS, result.error
    assert ratelimit.count(f"login:address:{address}:failures") == 0  # all forgiven


@dataclass
class Trainee:
    email: str
    client: object
    token: str
    answers: list = field(default_factory=list)

    def next_step(self) -> None:
        """Three typos, then the right password."""
        typos = len(self.answers)
        password = TEST_PASSWORD if typos == TYPOS else f"faute-{typos}"
        data = {"csrf_token": self.token, "email": self.email, "password": password}
        self.answers.append(self.client.post("/connexion", data=data))


def test_a_room_failing_at_the_same_moment_signs_in(app, make_user, address, store):
    """Thirty browsers, eight requests at a time: every failure counted (atomic counters),
    nobody blocked, and every failure forgiven once each has signed in."""
    room = []
    for _ in range(ROOM_SIZE):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        email = make_user(email=f"{uuid.uuid4().hex[:12]}@exemple.fr").email
        room.append(Trainee(email, client, csrf_token(client)))

    def step(person: Trainee) -> None:
        with app.app_context():
            person.next_step()

    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(TYPOS):
            list(pool.map(step, room))
        assert ratelimit.count(f"login:address:{address}:failures") == ROOM_SIZE * TYPOS
        assert ratelimit.count(f"login:address:{address}:accounts") == ROOM_SIZE
        list(pool.map(step, room))
    for person in room:
        *typos, success = person.answers
        for answer in typos:
            assert answer.status_code == 422
            assert "Adresse e-mail ou mot de passe incorrect." in text(answer), text(answer)
        assert success.status_code == 303, text(success)
        assert person.client.get("/").status_code == 200
    assert ratelimit.count(f"login:address:{address}:failures") == 0
    assert ratelimit.count(f"login:address:{address}:accounts") == 0


# ----- an attacker behind one address ---------------------------------------------------------


def checked(email: str, address: str) -> bool:
    """One guess; True when the password was actually checked (not refused unchecked)."""
    error = services.sign_in(email, "Motdepasse123", address).error
    return error == services.WRONG_CREDENTIALS


def spray(emails: list[str], guesses: int) -> list[str]:
    """One password on every account, then the next one: how a sprayer avoids the per-account
    lock."""
    rounds = -(-guesses // len(emails))
    return [email for _ in range(rounds) for email in emails][:guesses]


def tries_per_quarter(schedule: list[tuple[datetime, bool]], start: datetime) -> list[int]:
    quarters: dict[int, int] = {}
    for moment, was_checked in schedule:
        index = int((moment - start) / QUARTER)
        quarters[index] = quarters.get(index, 0) + was_checked
    return [quarters.get(index, 0) for index in range(max(quarters) + 1)]


def attack(emails: list[str], address: str, clock, *, every: timedelta) -> list[int]:
    start, schedule = clock[0], []
    for email in emails:
        schedule.append((clock[0], checked(email, address)))
        clock[0] += every
    return tries_per_quarter(schedule, start)


def test_a_thousand_passwords_sprayed_from_one_address_get_a_few_dozen_tries(
    app, make_user, address, clock
):
    """1,000 guesses in an hour on 200 accounts (some real): 40 accounts, then the back-off."""
    emails = [make_user().email for _ in range(20)]
    emails += [f"inconnu{number}@exemple.fr" for number in range(180)]
    per_quarter = attack(spray(emails, 1000), address, clock, every=timedelta(seconds=3.6))
    assert per_quarter[0] <= 45, per_quarter
    assert all(tries <= 3 for tries in per_quarter[1:]), per_quarter
    assert sum(per_quarter) <= 52, per_quarter


def test_the_same_spray_through_redis(app, address):
    """Redis expires keys on its own clock: the 1,000 guesses come at once."""
    redis_or_skip()
    app.config["REDIS_URL"] = REDIS_URL
    emails = [f"{uuid.uuid4().hex[:10]}@exemple.fr" for _ in range(200)]
    tries = sum(checked(email, address) for email in spray(emails, 1000))
    assert tries == 41  # 40 accounts, then the first back-off try; the next one waits 30 s
    error = services.sign_in(emails[0], "x", address).error
    assert re.search(r"Réessayez dans ([12]?[0-9]|30) secondes?\.$", error), error


def test_a_room_shaped_attack_gets_the_rooms_budget_once(app, make_user, address, clock):
    """The limit of what counting can do: 34 real e-mails, three guesses each, looks like the
    room until it never succeeds. It gets the room's budget (100), then the back-off, and
    the budget does not come back while it keeps trying."""
    emails = [make_user().email for _ in range(34)]
    guesses = [email for _ in range(3) for email in emails] * 4  # 408 guesses in an hour
    per_quarter = attack(guesses, address, clock, every=timedelta(seconds=9))
    assert max(per_quarter) <= 100, per_quarter
    assert sum(per_quarter) <= 110, per_quarter  # in the hour


def test_waiting_a_quarter_of_an_hour_does_not_renew_the_budget(app, address, clock):
    emails = [f"inconnu{number}@exemple.fr" for number in range(400)]
    assert attack(emails[:40], address, clock, every=timedelta(seconds=1)) == [40]
    clock[0] += QUARTER + timedelta(minutes=1)
    # Only the back-off's tries (at 0, 30 and 90 seconds), not a new budget of 40.
    assert attack(emails[40:140], address, clock, every=timedelta(seconds=1)) == [3]
    clock[0] += timedelta(hours=1, minutes=1)  # an hour of silence: a new budget
    assert attack(emails[140:180], address, clock, every=timedelta(seconds=1)) == [40]


def test_the_back_off_doubles_and_is_never_a_flat_lock(app, address, clock):
    for number in range(40):
        checked(f"inconnu{number}@exemple.fr", address)
    gaps, last, number = [], clock[0], 40
    while clock[0] - last < timedelta(hours=2) and len(gaps) < 8:
        number += 1
        if checked(f"inconnu{number}@exemple.fr", address):
            gaps.append(round((clock[0] - last).total_seconds()))
            last = clock[0]
        clock[0] += timedelta(seconds=10)
    assert gaps == [0, 30, 60, 120, 240, 480, 600, 600]


def test_refusals_during_the_back_off_say_how_long_to_wait_in_french(app, address, clock):
    for number in range(41):
        checked(f"inconnu{number}@exemple.fr", address)
    error = services.sign_in("inconnu0@exemple.fr", "x", address).error
    assert error == "Trop de connexions ont échoué depuis votre réseau. Réessayez dans 30 secondes."
    clock[0] += timedelta(seconds=29)
    assert "Réessayez dans 1 seconde." in services.sign_in("x@exemple.fr", "x", address).error
    assert throttle.wait_message(125).endswith("Réessayez dans 3 minutes.")


def test_signing_in_to_ones_own_account_buys_an_attacker_nothing(app, make_user, address, clock):
    """Forgiveness covers only the account whose password was proven: an attacker with an
    account of his own (a trainee) does not refill the address's budget by signing in."""
    own = make_user()
    for number in range(39):
        checked(f"victime{number}@exemple.fr", address)
    checked(own.email, address)  # a typo on his own account: the 40th account
    assert services.sign_in(own.email, TEST_PASSWORD, address).user == own
    assert checked("victime99@exemple.fr", address)  # one account forgiven, one more try
    assert not checked("victime100@exemple.fr", address)
    for _ in range(5):
        services.sign_in(own.email, TEST_PASSWORD, address)
    assert not checked("victime101@exemple.fr", address)


def test_an_account_is_still_locked_after_five_failures_whatever_the_address(app, make_user):
    user = make_user()
    for number in range(5):
        services.sign_in(user.email, "mauvais", f"10.0.0.{number}")
    result = services.sign_in(user.email, TEST_PASSWORD, "10.0.0.99")
    assert result.error == throttle.TOO_MANY_FOR_ACCOUNT
