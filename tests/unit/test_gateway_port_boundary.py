"""The gateway reaches the API only through its port (`api.gateway_port`): no module of
`sip_gateway/` imports another `api` module, at the top or inside a function; the modules
that read the API's data do not write SQL either. The processes' wiring comes from the
`bootstrap` package, which is not the API."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GATEWAY = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "sip_gateway").rglob("*.py"))
THROUGH_THE_PORT = ["sip_gateway/store.py", "sip_gateway/queuerouting.py",
                    "sip_gateway/queuecalls.py"]   # the data the gateway reads: no SQL here
PORT = {"api.gateway_port"}


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at any depth (`from api import x` counts as `api.x`)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "api":
                names |= {f"api.{a.name}" for a in node.names}
            else:
                names.add(node.module)
    return names


def _api(names: set[str]) -> set[str]:
    return {n for n in names if n.split(".")[0] == "api" and n not in PORT
            and not n.startswith("api.gateway_port.")}


def test_the_check_sees_api_imports_at_the_top_and_inside_functions(tmp_path):
    path = tmp_path / "probe.py"
    path.write_text("from api.accounts.models import User\nfrom api import gateway_port\n"
                    "import api.gateway_port\n\ndef f():\n    from api.calls import services\n"
                    "    from api import core\n    import api\n")
    assert _api(_imports(path)) == {"api.accounts.models", "api.calls", "api.core", "api"}


def test_the_gateway_list_covers_its_core_and_its_entry_point():
    assert "sip_gateway/__main__.py" in GATEWAY and "sip_gateway/core/callcontrol.py" in GATEWAY


@pytest.mark.parametrize("module", GATEWAY)
def test_gateway_module_imports_nothing_of_the_api_but_its_port(module):
    assert _api(_imports(ROOT / module)) == set()


@pytest.mark.parametrize("module", THROUGH_THE_PORT)
def test_gateway_module_reading_the_api_data_writes_no_sql(module):
    assert not {n for n in _imports(ROOT / module) if n.split(".")[0] == "sqlalchemy"}
