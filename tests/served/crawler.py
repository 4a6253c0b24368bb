"""A breadth-first crawl of the served app, GET only: every same-site link and hx-get target,
every GET form with its default values and with each option of its lists and radio buttons.

Bounded: URLs that differ only by numbers (ids, pages) are followed a few times each, each
option of a form once per form target, and at most `limit` URLs per person. Each answer is
checked: no 5xx, no broken link (404, 405), a well-formed answer, the security headers.
"""

import http.client
import re
from collections import Counter, deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from tests.core.test_csp import HEADERS
from tests.faults.server import Browser

NUMBER = re.compile(r"^-?\d+$")
SAME_SHAPE = 3  # URLs followed per shape (numbers replaced by #)
SAME_PATH = 10  # query strings followed per path from links (forms: each option once)
OPTIONS_PER_LIST = 8  # variants tried per select or radio group of a form
CONCURRENT = 2
NEVER = ("/deconnexion",)  # a POST anyway; a crawl must not end its own session


@dataclass
class Form:
    action: str | None
    hx_get: str | None
    fields: list = field(default_factory=list)  # (name, value) sent by default
    choices: dict = field(default_factory=dict)  # name → the values of a select or radios


class Links(HTMLParser):
    """The hrefs, hx-get targets and GET forms of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.fragments: list[str] = []  # hx-get: fetched as htmx does
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._select_default: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        if attributes.get("hx-get") and tag != "form":
            self.fragments.append(attributes["hx-get"])
        if tag == "form":
            self._start_form(attributes)
        elif self._form is not None:
            self._form_element(tag, attributes)

    def _start_form(self, attributes: dict) -> None:
        if attributes.get("method", "get").lower() == "get" or attributes.get("hx-get"):
            self._form = Form(attributes.get("action"), attributes.get("hx-get"))
            self.forms.append(self._form)

    def _form_element(self, tag: str, attributes: dict) -> None:
        name = attributes.get("name")
        if tag == "input" and name and "disabled" not in attributes:
            kind = attributes.get("type", "text").lower()
            value = attributes.get("value", "on" if kind in ("checkbox", "radio") else "")
            if kind == "radio":
                self._form.choices.setdefault(name, []).append(value)
            if kind in ("checkbox", "radio") and "checked" not in attributes:
                return
            if kind not in ("submit", "button", "image", "reset", "file"):
                self._form.fields.append((name, value))
        elif tag == "select" and name:
            self._select, self._select_default = name, None
            self._form.choices[name] = []
        elif tag == "option" and self._select:
            value = attributes.get("value", "")
            self._form.choices[self._select].append(value)
            if self._select_default is None or "selected" in attributes:
                self._select_default = value
        elif tag == "textarea" and name:
            self._textarea = name
            self._form.fields.append((name, ""))

    def handle_data(self, data: str) -> None:
        if self._textarea and self._form is not None:
            self._form.fields[-1] = (self._textarea, data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select and self._form is not None:
            if self._select_default is not None:
                self._form.fields.append((self._select, self._select_default))
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_urls(form: Form, page: str) -> list[tuple[str, tuple | None]]:
    """The form sent as it is, then with each option of each list (a few per list), each
    variant with the (name, value) it tries."""
    base = urljoin(page, form.hx_get or form.action or page).split("#")[0].split("?")[0]
    urls = [(f"{base}?{urlencode(form.fields)}", None)]
    for name, values in form.choices.items():
        step = max(1, len(values) // OPTIONS_PER_LIST)
        for value in values[::step]:
            fields = [(n, value if n == name else v) for n, v in form.fields]
            if name not in {n for n, _v in form.fields}:
                fields.append((name, value))  # radios with none checked
            urls.append((f"{base}?{urlencode(fields)}", (name, value)))
    return urls


def shape(url: str) -> str:
    """The URL with its numbers replaced: /cartes/12?page=3 and /cartes/7?page=2 look alike."""
    parts = urlsplit(url)
    path = "/".join("#" if NUMBER.match(part) else part for part in parts.path.split("/"))
    query = sorted((k, "#" if NUMBER.match(v) else v) for k, v in parse_qsl(parts.query, True))
    return f"{path}?{urlencode(query)}"


@dataclass
class Visit:
    url: str
    as_fragment: bool
    status: int | str
    problems: list[str]


class Crawl:
    """One person's crawl from `start`, GETs only, at most `limit` distinct requests."""

    def __init__(self, browser: Browser, start: list[str], limit: int) -> None:
        self.browser, self.limit = browser, limit
        self.origin = urlsplit(browser.base)
        self.queue: deque[tuple[str, bool]] = deque((url, False) for url in start)
        self.seen: set[tuple[str, bool]] = set(self.queue)
        self.shapes: Counter = Counter()
        self.choices: set[tuple] = set()
        self.visits: list[Visit] = []

    def run(self) -> list[Visit]:
        """Two requests at a time (gunicorn has two workers), read in the order queued."""
        with ThreadPoolExecutor(CONCURRENT) as pool:
            while self.queue and len(self.visits) < self.limit:
                count = min(CONCURRENT, len(self.queue), self.limit - len(self.visits))
                batch = [self.queue.popleft() for _ in range(count)]
                answers = list(pool.map(lambda queued: self.fetch(*queued), batch))
                for (url, as_fragment), answer in zip(batch, answers, strict=True):
                    self.visits.append(self.check(url, as_fragment, answer))
        return self.visits

    @property
    def problems(self) -> list[str]:
        return [f"{v.status} {v.url}{' (htmx)' * v.as_fragment} : {p}"
                for v in self.visits for p in v.problems]  # fmt: skip

    def fetch(self, url: str, as_fragment: bool):
        headers = {"HX-Request": "true"} if as_fragment else {}
        try:
            return self.browser.get(url, **headers)
        except (http.client.HTTPException, OSError) as error:
            return error

    def check(self, url: str, as_fragment: bool, answer) -> Visit:
        if isinstance(answer, Exception):
            return Visit(url, as_fragment, "—", [f"réponse illisible : {answer!r}"])
        problems = answer_problems(url, answer)
        if answer.status in (301, 302, 303, 307, 308):
            self.follow(answer.headers.get("Location", ""), url, False)
        elif answer.status == 200 and answer.headers.get("Content-Type", "").startswith(
            "text/html"
        ):
            self.read(answer.body, url)
        return Visit(url, as_fragment, answer.status, problems)

    def read(self, body: str, url: str) -> None:
        parser = Links()
        parser.feed(body)
        for link in parser.links:
            self.follow(link, url, False)
        for target in parser.fragments:
            self.follow(target, url, True)
        for form in parser.forms:
            for target, choice in form_urls(form, url):
                # Each option once per form target, whatever the other fields held (the
                # filtered page offers the same lists again).
                path = urlsplit(target).path
                if choice is not None and (path, choice) in self.choices:
                    continue
                self.choices.add((path, choice))
                self.follow(target, url, False, variant=True)
                if form.hx_get is not None and (path, "htmx") not in self.choices:
                    self.choices.add((path, "htmx"))
                    self.follow(target, url, True, variant=True)  # as htmx sends it

    def follow(self, link: str, page: str, as_fragment: bool, variant: bool = False) -> None:
        absolute = urlsplit(urljoin(f"{self.browser.base}{page}", link.strip()))
        if absolute.scheme not in ("http", "https") or absolute.netloc != self.origin.netloc:
            return  # mailto:, tel:, another site
        url = absolute.path + (f"?{absolute.query}" if absolute.query else "")
        if absolute.path.startswith(NEVER) or (url, as_fragment) in self.seen:
            return
        self.seen.add((url, as_fragment))
        key = (shape(url), as_fragment)
        path = (key[0].split("?")[0], as_fragment)
        if self.shapes[key] >= SAME_SHAPE:
            return
        if absolute.query and not variant:
            # Links from filtered pages repeat the filters: a few query strings per path.
            if self.shapes[path] >= SAME_PATH:
                return
            self.shapes[path] += 1
        self.shapes[key] += 1
        self.queue.append((url, as_fragment))


def answer_problems(url: str, answer) -> list[str]:
    """What is wrong with an answer: a server error, a malformed answer, missing headers."""
    problems = []
    if answer.status >= 500:
        problems.append("erreur du serveur")
    if answer.status in (404, 405):
        problems.append("lien cassé : la page montre une adresse qui n'existe pas")
    headers = {name.lower(): value for name, value in answer.headers.items()}
    is_static = url.startswith("/static/")
    expected = {**HEADERS, "Cache-Control": None if is_static else "no-store"}
    problems += [
        f"en-tête {name} = {headers.get(name.lower())!r}"
        for name, value in expected.items()
        if value is not None and headers.get(name.lower()) != value
    ]
    kind = headers.get("content-type", "")
    if not kind:
        problems.append("pas de Content-Type")
    elif kind.startswith("text/"):
        if "charset=utf-8" not in kind.replace(" ", "").lower():
            problems.append(f"Content-Type sans charset utf-8 : {kind!r}")
        try:
            answer.content.decode("utf-8")
        except UnicodeDecodeError as error:
            problems.append(f"corps illisible en UTF-8 : {error}")
    if 300 <= answer.status < 400 and not headers.get("location"):
        problems.append("redirection sans Location")
    if (
        answer.status == 200
        and kind.startswith("text/html")
        and "<html" in answer.body
        and "</html>" not in answer.body  # a page cut short
    ):
        problems.append("page HTML incomplète")
    return problems
