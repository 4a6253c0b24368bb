"""One process of the live workshop's viewers: `python -m tests.bench.live_client <plan.json> <n>`.

Each viewer is a thread with its own session that behaves like static/js/live.js on the map
workspace: `GET /cartes/<id>/direct?depuis=<v>` with `If-None-Match: "v<v>"` and its screen's
`X-Screen`, the next one a second after the answer; on a 200 that brings someone else's
change (not only this screen's own, marked `here`), what the workspace then fetches, at once
and beside the next polls, as the browser does: the graph (`graphe.json`, graph.js); the key
figures come with the feed. An editor also has a second thread, its hand on the form: a
link between two of the map's structures every 5 to 10 s, posted as the workspace's link
form posts it (CSRF token of the page, `HX-Request`, the screen's `X-Screen`), after which
its own screen reloads the graph and the key figures (htmx's `mapChanged`).

The process signs its viewers in, says it is ready (a file), waits for the signal to start
(another file, with the start time), runs, and writes what it saw as JSON: every request's
outcome, each viewer's graph fetches (when, at which version), each POST, and its own CPU time.
"""

import json
import random
import re
import secrets
import sys
import threading
import time
import traceback
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from tests.bench.client import Browser

SOURCES = re.compile(r'name="source_id"[^>]*>(.*?)</select>', re.S)
OPTION = re.compile(r'<option value="(\d+)"')
LIVE_VERSION = re.compile(r'data-live-version="(\d+)"')
TIMEOUT = 30  # seconds: a request slower than this counts as an error
RELOADS = 4  # a browser's connections to the server beside the poll's (6 per host in all)


class Recorder:
    """Every request's outcome, shared by the threads of the process."""

    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.measured = 0  # requests made between the start and the end of the workshop

    def request(self, session, name, method, url, window, **kwargs) -> requests.Response | None:
        started = time.time()
        try:
            response = session.request(method, url, timeout=TIMEOUT, **kwargs)
            problem = None
            if response.status_code >= 300 and response.status_code != 304:
                problem = f"{name} : réponse {response.status_code}"
        except requests.RequestException as error:
            response, problem = None, f"{name} : {type(error).__name__}"
        elapsed = (time.time() - started) * 1000
        with self.lock:
            if window[0] <= started <= window[1]:
                self.times[name].append(round(elapsed, 2))
                self.measured += 1
            if problem:
                self.errors[problem] += 1
        return None if problem else response


class Viewer:
    def __init__(self, plan: dict, spec: dict, recorder: Recorder):
        self.plan, self.spec, self.recorder = plan, spec, recorder
        self.base = plan["base"]
        self.map_url = f"{self.base}/cartes/{spec['map_id']}"
        self.version = 0
        self.seen: list[tuple[float, int]] = []  # (graph fetched at, version it shows at least)
        self.posts: list[dict] = []
        self.window = (0.0, 0.0)
        self.structures: list[str] = []
        self.failed = ""
        self.screen = secrets.token_hex(5)  # live.js: one per page

    def sign_in(self) -> None:
        """Sign in and open the workspace, as the trainee does before the workshop starts
        (three tries: 60 sign-ins at once, each a deliberately slow password check)."""
        for attempt in range(3):
            try:
                self.browser = Browser(self.base, self.spec["email"])
                break
            except (RuntimeError, requests.RequestException):
                if attempt == 2:
                    raise
                time.sleep(1 + attempt)
        page = self.browser.get(self.map_url, timeout=TIMEOUT, allow_redirects=False)
        if page.status_code != 200:
            raise RuntimeError(f"espace de travail : réponse {page.status_code}")
        sources = SOURCES.search(page.text)
        self.structures = OPTION.findall(sources.group(1)) if sources else []
        found = LIVE_VERSION.search(page.text)
        if found:
            self.version = int(found.group(1))
        else:  # before the workspace carries it: the feed says which version the page shows
            feed = self.browser.get(f"{self.map_url}/direct", timeout=TIMEOUT)
            if feed.status_code != 200:
                raise RuntimeError(f"suivi : réponse {feed.status_code} {feed.text[:200]}")
            self.version = feed.json()["version"]
        self.browser.get(f"{self.map_url}/graphe.json", timeout=TIMEOUT)
        if self.spec["editor"]:
            # The form posts from its own connection (the page keeps polling meanwhile).
            self.hand = requests.Session()
            self.hand.cookies.update(self.browser.cookies)

    def watch(self, end: float, offset: float) -> None:
        """live.js: a poll a second after the last answer; on someone else's change, the
        graph reloaded beside the next polls. The first poll waits `offset`:
        the screens were opened at different moments."""
        time.sleep(offset)
        with ThreadPoolExecutor(RELOADS) as reloads:
            while time.time() < end:
                response = self.recorder.request(
                    self.browser,
                    "GET /direct (suivi)",
                    "GET",
                    f"{self.map_url}/direct",
                    self.window,
                    params={"depuis": self.version},
                    headers={"If-None-Match": f'"v{self.version}"', "X-Screen": self.screen},
                )
                if response is not None and response.status_code == 200:
                    feed = response.json()
                    others = [event for event in feed["events"] if not event.get("here")]
                    if feed["version"] > self.version and (others or feed.get("gap")):
                        reloads.submit(self.reload_graph, feed["version"])
                    self.version = max(self.version, feed["version"])
                time.sleep(self.plan["poll_seconds"])

    def reload_graph(self, version: int) -> None:
        """graph.js on `liveMapChanged`: the graph, which shows `version` or a later one."""
        url = f"{self.map_url}/graphe.json"
        if self.recorder.request(self.browser, "GET graphe.json", "GET", url, self.window):
            self.seen.append((round(time.time(), 4), version))

    def reload_figures(self) -> None:
        """The key figures, as htmx reloads them on `mapChanged` after the screen's own change."""
        self.recorder.request(
            self.browser,
            "GET chiffres (htmx)",
            "GET",
            f"{self.map_url}/chiffres",
            self.window,
            headers={"HX-Request": "true", "X-Screen": self.screen},
        )

    def edit(self, end: float, rng: random.Random) -> None:
        """The editor's hand: a link between two of the map's structures every 5 to 10 s."""
        low, high = self.plan["edit_every"]
        while True:
            pause = rng.uniform(low, high)
            if time.time() + pause >= end:
                return
            time.sleep(pause)
            source, target = rng.sample(self.structures, 2)
            form = {
                "csrf_token": self.browser.token,
                "source_id": source,
                "target_id": target,
                "status": "existant",
                "level": str(rng.randint(1, 5)),
                "direction": "mutuel",
                "version": "",
            }
            started = time.time()
            response = self.recorder.request(
                self.hand,
                "POST liens (ajout)",
                "POST",
                f"{self.map_url}/liens",
                self.window,
                data=form,
                headers={
                    "HX-Request": "true",
                    "X-CSRFToken": self.browser.token,
                    "X-Screen": self.screen,
                },
            )
            self.posts.append(
                {
                    "email": self.spec["email"],
                    "map_id": self.spec["map_id"],
                    "started": round(started, 4),
                    "ms": round((time.time() - started) * 1000, 2),
                    "ok": response is not None,
                    "pair": sorted([int(source), int(target)]),
                }
            )
            if response is not None:  # the editor's own screen follows its change (HX-Trigger)
                self.recorder.request(
                    self.hand,
                    "GET graphe.json (auteur)",
                    "GET",
                    f"{self.map_url}/graphe.json",
                    self.window,
                )
                self.reload_figures()


def main(plan_path: str, index: int) -> int:
    plan = json.loads(Path(plan_path).read_text(encoding="utf-8"))
    folder = Path(plan["folder"])
    recorder = Recorder()
    viewers = [Viewer(plan, spec, recorder) for spec in plan["processes"][index]]

    def sign_in(viewer: Viewer) -> None:
        try:
            viewer.sign_in()
        except Exception as error:  # reported, and the run stops
            where = traceback.format_exc().strip().splitlines()[-4:-2]
            viewer.failed = f"{viewer.spec['email']} : {type(error).__name__} {error} {where}"[:600]

    threads = [threading.Thread(target=sign_in, args=(v,)) for v in viewers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    failed = [v.failed for v in viewers if v.failed]
    (folder / f"ready-{index}").write_text(json.dumps(failed), encoding="utf-8")
    go = folder / "go"
    while not go.exists():
        time.sleep(0.05)
    start = json.loads(go.read_text(encoding="utf-8"))["start"]
    if start is None:  # the run was called off
        return 1
    end = start + plan["seconds"]
    window = (start, end)
    cpu_before = time.process_time()
    time.sleep(max(0.0, start - time.time()))
    threads = []
    for number, viewer in enumerate(viewers):
        viewer.window = window
        offset = (number / len(viewers)) * plan["poll_seconds"]
        watch_until = end + plan["drain_seconds"]
        threads.append(threading.Thread(target=viewer.watch, args=(watch_until, offset)))
        if viewer.spec["editor"]:
            rng = random.Random(f"{plan['seed']}-{viewer.spec['email']}")
            threads.append(threading.Thread(target=viewer.edit, args=(end, rng)))
    for thread in threads:
        thread.start()
    time.sleep(max(0.0, end - time.time()))
    cpu_seconds = time.process_time() - cpu_before  # the measured window, as the server's
    for thread in threads:
        thread.join()
    result = {
        "cpu_seconds": cpu_seconds,
        "requests": recorder.measured,
        "times": recorder.times,
        "errors": recorder.errors,
        "viewers": [
            {"email": v.spec["email"], "map_id": v.spec["map_id"], "seen": v.seen} for v in viewers
        ],
        "posts": [post for v in viewers for post in v.posts],
    }
    (folder / f"client-{index}.json").write_text(json.dumps(result), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2])))
