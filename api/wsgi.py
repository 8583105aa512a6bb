"""WSGI entry point for gunicorn: `gunicorn api.wsgi:app`."""
from bootstrap import web_api

app = web_api()
