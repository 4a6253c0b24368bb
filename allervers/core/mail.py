"""E-mail through the institution's SMTP server, sent by a background job.

Mail is configured when MAIL_SERVER is set. A message is rendered in the request (French
plain text from templates/mail/) and handed to a Huey job, so a slow or absent SMTP server
never holds up a page; the job logs a failure and gives up (it never raises into a request).
"""

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app, render_template

from allervers.core.jobs import huey, with_app

log = logging.getLogger(__name__)


def is_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def send(to: str, subject: str, template: str, /, **context) -> bool:
    """Queue `templates/mail/<template>.txt` for `to`; False when mail is not configured."""
    if not is_configured():
        return False
    body = render_template(f"mail/{template}.txt", **context)
    deliver({"to": to, "subject": subject, "body": body})
    return True


@huey.task()
@with_app
def deliver(message: dict) -> bool:
    """Send one message; True when the SMTP server accepted it. The settings (and the SMTP
    password) are read from the worker's configuration, never stored with the job."""
    config = current_app.config
    try:
        with _connect(config) as server:
            if config["MAIL_USERNAME"]:
                server.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
            server.send_message(build_message(message, config["MAIL_SENDER"]))
    except (OSError, smtplib.SMTPException) as error:
        log.warning("Courriel non envoyé (%s) : %s", config["MAIL_SERVER"], error)
        return False
    return True


def build_message(message: dict, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message["to"]
    email["Subject"] = message["subject"]
    email["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].rstrip(">") or None)
    email["Auto-Submitted"] = "auto-generated"  # RFC 3834: no automatic replies to it
    email.set_content(message["body"])
    return email


def _connect(config) -> smtplib.SMTP:
    host, port = config["MAIL_SERVER"], config["MAIL_PORT"]
    timeout = config["MAIL_TIMEOUT_SECONDS"]
    if config["MAIL_USE_SSL"]:
        return smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    server = smtplib.SMTP(host, port, timeout=timeout)
    if config["MAIL_USE_TLS"]:
        try:
            server.starttls(context=ssl.create_default_context())
        except BaseException:
            server.close()
            raise
    return server
