"""The gateway's log lines are written by a thread of their own: in the order they were
logged, each a JSON object on its own line, all of them once flushed or closed."""
from __future__ import annotations

import io
import json
import logging

from api.core.logs import BackgroundWriter, JsonFormatter


def _writer() -> tuple[BackgroundWriter, io.StringIO, logging.Logger]:
    stream = io.StringIO()
    target = logging.StreamHandler(stream)
    target.setFormatter(JsonFormatter())
    writer = BackgroundWriter(target)
    logger = logging.Logger("background-test")
    logger.addHandler(writer)
    return writer, stream, logger


def test_lines_are_written_in_order_once_flushed():
    writer, stream, logger = _writer()
    try:
        for n in range(500):
            logger.warning("line %d", n, extra={"event": "probe", "n": n})
        writer.flush()
        lines = stream.getvalue().splitlines()
        assert [json.loads(x)["n"] for x in lines] == list(range(500))
        assert json.loads(lines[7])["msg"] == "line 7"
    finally:
        writer.close()


def test_closing_writes_what_is_still_queued():
    writer, stream, logger = _writer()
    logger.warning("last words", extra={"event": "probe"})
    writer.close()
    assert [json.loads(x)["msg"] for x in stream.getvalue().splitlines()] == ["last words"]
