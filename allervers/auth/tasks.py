"""Scheduled jobs of the accounts domain: the nightly purge of the security log."""

import logging

from huey import crontab

from allervers.auth import security_log
from allervers.core.jobs import huey, with_app

log = logging.getLogger(__name__)


# Huey's crontab reads UTC. Nothing is returned: nobody reads a periodic task's result, and
# a stored result would wait in the queue's storage for ever.
@huey.periodic_task(crontab(hour="3", minute="17"))
@with_app
def purge_security_log() -> None:
    """Delete the security log's entries older than SECURITY_LOG_RETENTION_DAYS."""
    log.info("Journal de sécurité : %d entrée(s) purgée(s)", security_log.purge())
