"""The fuzz loop's pieces: settings, a hashed database snapshot, drawing a request, judging it."""

import hashlib
import io
import os
from functools import cache
from urllib.parse import urlsplit

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from sqlalchemy import select

from allervers.extensions import db
from tests.fuzz.strategies import hostile, ids, unicode_text

# CI runs a few examples per route, always the same ones; FUZZ_EXAMPLES=200 hunts locally
# with fresh random examples each run (Hypothesis prints the seed of a failure).
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize="FUZZ_EXAMPLES" not in os.environ,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Never part of "the database is unchanged": a session's last activity is stamped on every
# request, and analysis_results is a cache any page may fill.
IGNORED_COLUMNS = {"user_sessions": {"last_seen_at"}}
IGNORED_TABLES = {"analysis_results"}


def snapshot(also_ignored: frozenset[str] = frozenset()) -> dict[str, str]:
    """Every table's rows, hashed; read on a connection of its own (the last commit's state)."""
    digests = {}
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            if table.name in IGNORED_TABLES | also_ignored:
                continue
            skipped = IGNORED_COLUMNS.get(table.name, set())
            columns = [column for column in table.columns if column.name not in skipped]
            rows = sorted(map(repr, connection.execute(select(*columns))))
            digests[table.name] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return digests


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(name for name in before if before[name] != after[name])


# ----- drawing a request ----------------------------------------------------------------------


def mostly(valid: st.SearchStrategy, other: st.SearchStrategy) -> st.SearchStrategy:
    """`valid` four times out of five: most requests reach the code behind the checks."""
    return st.integers(0, 4).flatmap(lambda n: valid if n else other)


def url_value(name: str, own, others: dict, key: str) -> st.SearchStrategy:
    """A URL argument: the world's record, someone else's, or one that cannot exist."""
    if isinstance(own, str):
        return mostly(st.just(own), st.one_of(unicode_text(20), st.sampled_from(["fin", ""])))
    theirs = [others[key]] if key in others else []
    return mostly(st.just(own), ids(*theirs).map(int).filter(lambda n: n >= 0))


@cache
def mutation(valid: st.SearchStrategy) -> st.SearchStrategy:
    """What a broken or hostile client sends instead of a field: nothing, junk, or twice."""
    return st.one_of(
        st.none(),
        hostile(),
        st.lists(
            st.one_of(valid.filter(lambda v: v is not None), hostile()), min_size=2, max_size=3
        ),
    )


def flatten(value):
    """A drawn field as the test client posts it: lists of lists become repeated fields."""
    if isinstance(value, list):
        return [item for part in value for item in (part if isinstance(part, list) else [part])]
    return value


@st.composite
def form(draw, fields: dict[str, st.SearchStrategy]) -> dict:
    """A valid form with a few fields mutated (or all of them), and sometimes unknown fields."""
    data = {name: draw(strategy) for name, strategy in fields.items()}
    mode = draw(st.sampled_from(["valid", "mutated", "mutated", "mutated", "hostile"]))
    names = sorted(fields)
    if mode == "hostile":
        mutated = set(names)
    elif mode == "mutated" and names:
        mutated = draw(st.sets(st.sampled_from(names), min_size=1, max_size=3))
    else:
        mutated = set()
    for name in sorted(mutated):
        data[name] = draw(mutation(fields[name]))
    if draw(st.integers(0, 9)) == 0:
        data[draw(unicode_text(12))] = draw(hostile())
    return {name: flatten(value) for name, value in data.items() if value is not None}


def upload(content: bytes | str) -> tuple | str:
    """A file as a browser uploads it; a text where a file is expected is sent as a field."""
    if isinstance(content, str):
        return content
    return (io.BytesIO(content), "import.csv", "text/csv")


# ----- judging the answer ---------------------------------------------------------------------


def location(response) -> str | None:
    """Where an accepted request sends the person: a redirect, or htmx's HX-Redirect."""
    target = response.headers.get("HX-Redirect") or (
        response.headers.get("Location") if response.status_code in (301, 302, 303) else None
    )
    if not target:
        return None
    parts = urlsplit(target)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def is_sign_in_wall(response) -> bool:
    """Sent to sign in first (a sign-out, which ends on the sign-in page, is not refused)."""
    return (location(response) or "").startswith("/connexion?next=")


def error_flashed(client) -> bool:
    with client.session_transaction() as session:
        return any(category == "error" for category, _message in session.get("_flashes", []))


def clear_flashes(client) -> None:
    with client.session_transaction() as session:
        session.pop("_flashes", None)


def refused(client, response) -> bool:
    """4xx, a form shown again with its errors, a sign-in wall, or an error message."""
    if response.status_code >= 400 or is_sign_in_wall(response):
        return True
    body = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
    if 'aria-invalid="true"' in body or "message message-error" in body:
        return True
    return error_flashed(client)
