"""Background jobs of the analysis: aggregates and territories take seconds, not a request."""

from allervers.analysis import aggregates
from allervers.analysis.scopes import Scope
from allervers.core.jobs import huey, with_app


@huey.task()
@with_app
def compute_scope(scope: dict) -> None:
    """Compute a group, session or territory aggregate and store it in the cache."""
    aggregates.compute_and_store(Scope.from_dict(scope))
