"""Real concurrent requests against gunicorn (two workers): the edit that loses the race gets
the conflict form, and a burst of writes to one map (with pages that write as they are read)
loses nothing and never meets "database is locked" (core/database.py)."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import pytest

from tests.faults.conftest import database_copy, gunicorn
from tests.faults.server import Browser

pytestmark = pytest.mark.faults

VERSION = re.compile(r'name="version" type="hidden" value="(\d+)"')
CONFLICT = "Quelqu'un a modifié cette fiche pendant votre saisie"
LINK = {"status": "existant", "level": "3", "direction": "mutuel"}


@pytest.fixture(scope="module")
def running(template, tmp_path_factory):
    """One server and its database for the tests of this module."""
    folder = tmp_path_factory.mktemp("concurrency")
    with ExitStack() as stack:
        database = stack.enter_context(database_copy(template[0], folder))
        yield database, stack.enter_context(gunicorn(database, folder))


def people(server, world, count: int) -> list[Browser]:
    """`count` browsers of the map's owner, each with its own session and CSRF token."""
    browsers = [Browser(server.url).sign_in(world["emails"]["stagiaire"]) for _ in range(count)]
    for browser in browsers:
        browser.token = browser.csrf(f"/cartes/{world['map']}")
    return browsers


def form_version(browser: Browser, path: str) -> int:
    page = browser.get(path)
    assert page.status == 200, page.text[:300]
    return int(VERSION.search(page.body).group(1))


def test_two_saves_of_one_version_at_once_one_wins_the_other_sees_the_conflict(running, world):
    database, server = running
    path = f"/cartes/{world['map']}/modifier"
    focal = str(world["structures"][0])
    first, second = people(server, world, 2)
    for round_number in range(4):
        version = form_version(first, path)
        assert form_version(second, path) == version
        start = threading.Barrier(2)

        def save(browser: Browser, title: str, version=version, start=start):
            data = {"title": title, "territory": "Orléans", "focal_structure_id": focal}
            start.wait()
            return title, browser.post(path, {**data, "version": version}, browser.token)

        with ThreadPoolExecutor(2) as pool:
            answers = list(
                pool.map(save, (first, second), (f"A{round_number}", f"B{round_number}"))
            )
        statuses = sorted(answer.status for _title, answer in answers)
        assert statuses == [303, 409], [(a.status, a.text[:300]) for _t, a in answers]
        (winner,) = [title for title, answer in answers if answer.status == 303]
        (loser,) = [answer for _title, answer in answers if answer.status == 409]
        assert CONFLICT in loser.text, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", loser.text))[
            :1500
        ]
        saved = database.scalar(
            "SELECT title FROM cooperation_maps WHERE id = :id", id=world["map"]
        )
        assert saved == winner
        assert form_version(first, path) == version + 1  # one save, not two


def test_a_burst_of_writes_to_one_map_loses_nothing(running, world):
    database, server = running
    map_id, entries = world["map"], world["entries"]
    threads, rounds = 4, 5
    structures = world["structures"][1:]
    pairs = [(a, b) for i, a in enumerate(structures) for b in structures[i + 1 :]]
    assert len(pairs) >= threads * rounds
    count_links = "SELECT count(*) FROM cooperation_links WHERE map_id = :id AND deleted_at IS NULL"
    links_before = database.scalar(count_links, id=map_id)
    entry_row = "SELECT version, influence FROM map_entries WHERE id = :id"
    versions_before = [database.row(entry_row, id=entry)[0] for entry in entries[:threads]]
    content_before = database.scalar(
        "SELECT content_version FROM cooperation_maps WHERE id = :id", id=map_id
    )
    browsers = people(server, world, threads)
    formateur = Browser(server.url).sign_in(world["emails"]["formateur"])
    start = threading.Barrier(threads + 1)

    def work(number: int) -> list[int]:
        browser, entry = browsers[number], entries[number]
        edit = f"/cartes/{map_id}/structures/{entry}/modifier"
        statuses = []
        start.wait()
        for step in range(rounds):
            source, target = pairs[number * rounds + step]
            link = {**LINK, "source_id": source, "target_id": target}
            statuses.append(browser.post(f"/cartes/{map_id}/liens", link, browser.token).status)
            data = {"influence": str(step + 1), "version": form_version(browser, edit)}
            statuses.append(browser.post(edit, data, browser.token).status)
        return statuses

    def follow() -> list[int]:
        """Meanwhile the formateur reloads the dashboard, which notes each visit (a write
        during a GET) and asks for the group's analysis (another)."""
        start.wait()
        dashboard = f"/groupes/{world['group']}/tableau-de-bord"
        return [formateur.get(dashboard).status for _ in range(2 * rounds)]

    with ThreadPoolExecutor(threads + 1) as pool:
        dashboard = pool.submit(follow)
        statuses = [status for answers in pool.map(work, range(threads)) for status in answers]

    assert statuses == [303] * (2 * threads * rounds)
    assert dashboard.result() == [200] * (2 * rounds)
    assert database.scalar(count_links, id=map_id) - links_before == threads * rounds
    for entry, version in zip(entries[:threads], versions_before, strict=True):
        assert database.row(entry_row, id=entry) == (version + rounds, rounds)
    content_after = database.scalar(
        "SELECT content_version FROM cooperation_maps WHERE id = :id", id=map_id
    )
    assert content_after - content_before == 2 * threads * rounds  # every write counted once
    log = server.log_text()
    assert "database is locked" not in log
    assert "Traceback" not in log


def test_the_same_pair_added_at_once_by_several_people_gives_one_link(running, world):
    """A workshop: several screens add the same link at the same second, in either order.
    PostgreSQL lets them all find no link and insert; the unique pair stops all but one, and
    the others become edits of it (maps.services.save_link). Pairs apart from the burst's."""
    database, server = running
    map_id, structures = world["map"], world["structures"][1:]
    pairs = [(a, b) for i, a in enumerate(structures) for b in structures[i + 1 :]][-6:]
    browsers = people(server, world, 4)
    same_pair = (
        "SELECT count(*) FROM cooperation_links WHERE map_id = :id"
        " AND pair_low_id = :low AND pair_high_id = :high AND deleted_at IS NULL"
    )
    for source, target in pairs:
        start = threading.Barrier(len(browsers))

        def add(browser: Browser, number: int, start=start, pair=(source, target)):
            first, second = pair if number % 2 else pair[::-1]
            link = {**LINK, "level": str(number), "source_id": first, "target_id": second}
            start.wait()
            return browser.post(f"/cartes/{map_id}/liens", link, browser.token)

        with ThreadPoolExecutor(len(browsers)) as pool:
            answers = list(pool.map(add, browsers, range(len(browsers))))
        assert [answer.status for answer in answers] == [303] * len(browsers), [
            answer.text[:300] for answer in answers
        ]
        low, high = sorted((source, target))
        assert database.scalar(same_pair, id=map_id, low=low, high=high) == 1
        all_rows = same_pair.replace(" AND deleted_at IS NULL", "")
        assert database.scalar(all_rows, id=map_id, low=low, high=high) == 1
    assert "Traceback" not in server.log_text()
