"""The class sweep behind the 500 on the action plan's tabs: as each person of the demo, go
through every page a link, an htmx request or a GET form leads to, on gunicorn, and fail on
any server error, any malformed answer or any answer without the security headers."""

import pytest

from tests.served.crawler import Crawl

pytestmark = pytest.mark.served

LIMIT = 600  # requests per person; the crawl needs under 400 on the demo today
START = ["/", "/connexion", "/rejoindre"]


@pytest.mark.parametrize("role", [None, "stagiaire", "formateur", "referent", "admin"],
                         ids=lambda role: role or "anonyme")  # fmt: skip
def test_every_page_reached_by_a_link_or_a_form_answers_well(browser_as, demo_server, role):
    crawl = Crawl(browser_as(role), START, LIMIT)
    visits = crawl.run()
    visited = "\n".join(f"  {v.status} {v.url}{' (htmx)' * v.as_fragment}" for v in visits)
    assert not crawl.problems, (
        "\n".join(crawl.problems) + f"\n\n{len(visits)} adresses visitées :\n{visited}"
        f"\n\ngunicorn :\n{demo_server.log_text()[-3000:]}"
    )
    assert len(visits) > (3 if role is None else 100), visited  # the crawl went somewhere
    assert not crawl.queue, f"LIMIT atteinte : {len(crawl.queue)} adresses non visitées"
