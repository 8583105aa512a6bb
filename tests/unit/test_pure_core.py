"""The pure core imports no I/O: no Flask, SQLAlchemy, pjsua2, sockets, threads or time."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PURE_MODULES = [
    "api/availability/routing.py",
    "api/availability/featurecodes.py",
    "api/queues/distribution.py",
    "sip_gateway/callcontrol.py",
    "sip_gateway/transfercontrol.py",
    "sip_gateway/calltransfer.py",
    "api/transfer/why.py",
    "sip_gateway/sipmsg.py",
    "sip_gateway/queuecontrol.py",
    "sip_gateway/machine.py",
    "sip_gateway/numbers.py",
    "sip_gateway/origin.py",
    "api/sms/encoding.py",
    "api/messages/rules.py",
]
FORBIDDEN = {"flask", "flask_smorest", "sqlalchemy", "pjsua2", "socket", "threading", "time",
             "asyncio", "requests", "httpx", "subprocess", "os", "random", "api.core.db",
             "api.core.clock"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _forbidden(names: set[str]) -> set[str]:
    return {n for n in names if n in FORBIDDEN or n.split(".")[0] in FORBIDDEN}


def test_the_import_check_catches_io_modules():
    assert _forbidden({"flask", "sqlalchemy.orm", "datetime", "time"}) == \
        {"flask", "sqlalchemy.orm", "time"}


@pytest.mark.parametrize("module", PURE_MODULES)
def test_pure_core_module_imports_no_io(module):
    path = ROOT / module
    if not path.exists():
        pytest.skip(f"{module} not written yet")
    assert not _forbidden(_imports(path)), f"{module} imports I/O"
