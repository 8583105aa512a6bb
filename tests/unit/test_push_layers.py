"""push/ sits below the API: it declares the ports it needs and imports nothing from api/;
senders are built only by a process's start-up, and every push goes through a Notifier."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PUSH_MODULES = sorted(p.relative_to(ROOT) for p in (ROOT / "push").rglob("*.py"))
# where a process's start-up builds its push sender; nowhere else in the service
SENDER_BUILDERS = {Path("api/pushdevices/sender.py")}
SENDER_CLASSES = {"PushService", "Relay"}


def imported(path: Path, root: Path = ROOT) -> set[str]:
    """Every module the file imports, at its top or inside functions, relative ones resolved
    (`path` is relative to `root`)."""
    package = list(path.parts[:-1])
    names = set()
    for node in ast.walk(ast.parse((root / path).read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            if node.module:
                names.add(".".join(base + [node.module]))
            else:
                names |= {".".join(base + [a.name]) for a in node.names}
    return names


def api_imports(path: Path, root: Path = ROOT) -> set[str]:
    return {n for n in imported(path, root) if n == "api" or n.startswith("api.")}


def test_the_import_check_sees_imports_inside_functions_and_relative_ones(tmp_path):
    sample = Path("push/testing/sample.py")
    (tmp_path / sample).parent.mkdir(parents=True)
    (tmp_path / sample).write_text(
        "import json\nfrom . import tls\n\n\ndef later():\n"
        "    from api.pushdevices import services\n    from ... import api\n")
    assert api_imports(sample, tmp_path) == {"api.pushdevices", "api"}


@pytest.mark.parametrize("module", PUSH_MODULES, ids=str)
def test_no_push_module_imports_the_api(module):
    assert not api_imports(module), f"{module} imports {sorted(api_imports(module))}"


def _service_modules():
    for top in ("api", "push", "sip_gateway", "mobile_client_sim"):
        for path in sorted((ROOT / top).rglob("*.py")):
            rel = path.relative_to(ROOT)
            if rel.parts[:2] != ("push", "testing"):
                yield rel


def test_push_senders_are_built_only_by_the_start_up():
    builders = set()
    for rel in _service_modules():
        for node in ast.walk(ast.parse((ROOT / rel).read_text())):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name in SENDER_CLASSES:
                    builders.add(rel)
    assert builders == SENDER_BUILDERS
