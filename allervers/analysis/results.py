"""What a page shows of a group, session or territory aggregate: the last result stored for
the scope and whether it is still fresh. When it is not, the computation is queued (once) and
the page says « calcul en cours… ».

The layers, lowest first: aggregates.py computes and stores, tasks.py is the background job
that runs it, this module reads and queues for the pages.
"""

import logging
import sqlite3
from dataclasses import dataclass

import redis

from allervers.analysis import cache, scopes, tasks
from allervers.analysis.aggregates import MIN_MAPS
from allervers.analysis.scopes import Scope
from allervers.auth.models import User
from allervers.network import Analysis

log = logging.getLogger(__name__)


@dataclass
class Result:
    """What a page shows: the stored payload (None before the first computation)."""

    scope: Scope
    payload: dict | None
    fresh: bool
    computed_at: object = None
    queue_down: bool = False  # the job could not be queued (Redis or the queue file down)
    version: str | None = None  # of the stored payload
    withheld: bool = False  # it would show one or two maps the viewer may not open

    @property
    def analysis(self) -> Analysis | None:
        if not self.payload:
            return None
        if self.version is None:
            return Analysis.from_json(self.payload["analysis"])
        # A territory's analysis has thousands of rows: read once per result in each process.
        return cache.remembered(
            f"analyse-{self.scope.key}",
            self.version,
            lambda: Analysis.from_json(self.payload["analysis"]),
        )


def current(scope: Scope, viewer: User) -> Result:
    """The scope's last result for `viewer`; queues its computation when the data has changed
    since. Withheld (no payload) when it merges 1 to MIN_MAPS - 1 personal maps `viewer` may
    not open: 0 hides nothing from them, MIN_MAPS or more say nothing of one person's."""
    if 0 < scopes.unseen_personal_maps(scope, viewer) < MIN_MAPS:
        return Result(scope, None, fresh=True, withheld=True)
    version = scopes.version(scope)
    stored = cache.load(scope.key)
    queue_down = False
    if not stored.is_fresh(version) and cache.claim(scope.key, version):
        try:
            tasks.compute_scope(scope.as_dict())
        except (redis.RedisError, sqlite3.Error, OSError) as error:
            log.warning("File des calculs injoignable : %s", error)
            cache.release(scope.key)  # the next visit tries again
            queue_down = True
        stored = cache.load(scope.key)  # when jobs run inline (tests), the result is there
    result = Result(scope, stored.payload, stored.is_fresh(version), stored.computed_at)
    result.queue_down, result.version = queue_down, stored.version
    return result
