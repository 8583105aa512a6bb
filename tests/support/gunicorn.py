"""The API as production runs it: a real gunicorn (deploy/gunicorn.conf.py), started by a test."""
from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager

from tests.support.sip import ROOT, free_port


def _healthz(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url + "/healthz", timeout=1.0) as resp:
            return resp.status
    except OSError:
        return None


@contextmanager
def gunicorn(database_url: str, *, workers: int = 2, secret_key: str | None = None,
             env: dict | None = None):
    """The URL of a gunicorn serving the API on `database_url` with `workers` processes."""
    with gunicorn_process(database_url, workers=workers, secret_key=secret_key,
                          env=env) as (url, _proc):
        yield url


@contextmanager
def gunicorn_process(database_url: str, *, workers: int = 2, secret_key: str | None = None,
                     env: dict | None = None):
    """`gunicorn()`'s URL and its master process (for a test that stops it itself)."""
    port = free_port()
    environ = {**os.environ, "DATABASE_URL": database_url, "APP_ENV": "test",
               "HOST": "127.0.0.1", "PORT": str(port),
               "SECRET_KEY": secret_key or secrets.token_urlsafe(48), "ACCESS_LOG": "0",
               "WEB_CONCURRENCY": str(workers), **(env or {})}
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py",
                             "api.wsgi:app"], cwd=ROOT, env=environ,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while _healthz(url) != 200:
            assert proc.poll() is None, "gunicorn exited at start"
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.1)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
