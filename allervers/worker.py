"""The background worker: `huey_consumer allervers.worker.huey -w 1 -k process`.

Importing the task modules registers their jobs with the consumer.
"""

from allervers.analysis import tasks  # noqa: F401
from allervers.core.jobs import huey

__all__ = ["huey"]
