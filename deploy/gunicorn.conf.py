"""gunicorn settings for the API, shared by `make run` and the production unit
(`gunicorn -c deploy/gunicorn.conf.py api.wsgi:app`); every value can be overridden from the
environment.

Worker class `gthread`: a connection is handed to a thread only once its first bytes arrive,
and each worker runs `WEB_THREADS` threads, so slow or idle clients hold a thread each
instead of a whole worker (with the default `sync` workers two slow-header connections
stopped the API). In production nginx sits in front and buffers whole requests
(`deploy/nginx/pbx-companion.conf`), so slow clients never reach gunicorn at all.

The app's live event stream (`GET /api/v1/me/events`) holds one thread for as long as it is
open, so a worker holds up to `WEB_THREADS` open streams at once, less the threads busy with
ordinary requests. Threads start on demand (an idle stream costs about 50 KiB), hence the
high default; `WEB_CONNECTIONS` must stay above it.
"""
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "1000"))
worker_connections = int(os.environ.get("WEB_CONNECTIONS", "2000"))
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))          # a worker silent this long is restarted
graceful_timeout = int(os.environ.get("WEB_GRACEFUL_TIMEOUT", "20"))
keepalive = int(os.environ.get("WEB_KEEPALIVE", "5"))       # idle kept-alive connections close
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", "0"))  # 0: workers are not recycled
max_requests_jitter = max_requests // 10
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
loglevel = os.environ.get("WEB_LOG_LEVEL", "warning")
# behind nginx on the same host: trust its X-Forwarded-* headers, nobody else's
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")


def worker_exit(server, worker):
    """A worker stopping (shutdown, restart, `max_requests`) first sends the pushes it has in
    flight and stops its push sender."""
    from bootstrap import stop_web_api

    app = getattr(worker, "wsgi", None)
    if hasattr(app, "extensions"):  # not the error app gunicorn serves when loading failed
        stop_web_api(app)
