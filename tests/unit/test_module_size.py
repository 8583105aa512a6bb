"""No module of the API, push or the gateway grows past 350 lines: one that does holds more
than one idea and is split by meaning (as `queuecontrol`, `queuereturn`, `queueoverflow`)."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 350
MODULES = sorted(str(p.relative_to(ROOT)) for part in ("api", "push", "sip_gateway")
                 for p in (ROOT / part).rglob("*.py"))


def test_the_check_sees_the_modules_of_every_part():
    assert {m.split("/")[0] for m in MODULES} == {"api", "push", "sip_gateway"}
    assert "sip_gateway/core/queuecontrol.py" in MODULES


@pytest.mark.parametrize("module", MODULES)
def test_module_stays_under_the_line_limit(module):
    lines = len((ROOT / module).read_text().splitlines())
    assert lines <= LIMIT, f"{module} has {lines} lines: split it by meaning"
