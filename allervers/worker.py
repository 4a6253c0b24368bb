"""The background worker: `huey_consumer allervers.worker.huey -w 1 -k process`.

Importing the task modules registers their jobs with the consumer; the jobs run in the app
this module makes.
"""

from allervers import create_app
from allervers.analysis import tasks  # noqa: F401
from allervers.auth import tasks as _auth_tasks  # noqa: F401
from allervers.core import mail  # noqa: F401 - its delivery job
from allervers.core.jobs import huey, use_app_factory

use_app_factory(create_app)

__all__ = ["huey"]
