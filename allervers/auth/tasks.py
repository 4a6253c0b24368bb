"""Scheduled jobs of the accounts domain: the nightly purge of the security log."""

from huey import crontab

from allervers.auth import security_log
from allervers.core.jobs import huey, with_app


@huey.periodic_task(crontab(hour="3", minute="17"))
@with_app
def purge_security_log() -> int:
    """Delete the security log's entries older than SECURITY_LOG_RETENTION_DAYS."""
    return security_log.purge()
