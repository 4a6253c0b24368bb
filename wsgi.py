"""Entry point for `flask --app wsgi …` and gunicorn (`gunicorn wsgi:app`)."""

from allervers import create_server_app

app = create_server_app()
