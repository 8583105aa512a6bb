"""The gateway's routing and queue calls reach the API's data only through its port."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
THROUGH_THE_PORT = ["sip_gateway/store.py", "sip_gateway/queuerouting.py",
                    "sip_gateway/queuecalls.py"]
ALLOWED = {"api", "api.gateway_port", "api.core.clock"}  # `from api import gateway_port`


def _api_imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            if node.module == "api":
                names |= {f"api.{a.name}" for a in node.names}
    return {n for n in names if n.split(".")[0] in ("api", "sqlalchemy")}


def test_the_check_sees_a_model_import_and_sql(tmp_path):
    path = tmp_path / "probe.py"
    path.write_text("from api.accounts.models import User\nfrom sqlalchemy import select\n"
                    "from api import gateway_port\n")
    assert _api_imports(path) - ALLOWED == {"api.accounts.models", "sqlalchemy"}


@pytest.mark.parametrize("module", THROUGH_THE_PORT)
def test_gateway_module_imports_only_the_port_from_the_api(module):
    assert _api_imports(ROOT / module) - ALLOWED == set()
