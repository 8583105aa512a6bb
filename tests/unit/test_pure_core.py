"""Import boundaries: the pure core imports no I/O, and the processes without a web API
(gateway, routing worker, push relay) never load Flask.

Each check imports modules in a fresh interpreter whose `__import__` records every import a
project module makes, cached or not: what a core module pulls in through other project
modules is seen, not only its own import lines.
"""
from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PURE_MODULES = [
    "api.availability.announce",
    "api.availability.featurecodes",
    "api.availability.inputs",
    "api.availability.ringorder",
    "api.availability.routing",
    "api.availability.state",
    "api.passwordreset.command",
    "api.queues.callbackturns",
    "api.queues.display",
    "api.queues.distribution",
    "api.queues.loginschedule",
    "api.queues.priority",
    "api.queues.sla",
    "api.transfer.why",
    "api.sms.encoding",
    "api.messages.rules",
    "api.voicemail.spoken",
    "sip_gateway.origin",
    "sip_gateway.sipmsg",
] + sorted(  # every module of the gateway's core, found on disk (a new one is covered at once)
    f"sip_gateway.core.{p.stem}" for p in (ROOT / "sip_gateway" / "core").glob("*.py")
    if p.stem != "__init__")
# pure too, but importing them runs `push/__init__` (the sender): their own lines are checked
PURE_PUSH_MODULES = ["push.events", "push.payloads", "push.policy", "push.ports"]
IO = {"flask", "flask_smorest", "werkzeug", "sqlalchemy", "pjsua2", "socket", "threading",
      "time", "asyncio", "requests", "httpx", "subprocess", "os", "random", "api.core.db",
      "api.core.clock"}
WEB = {"flask", "flask_smorest", "werkzeug"}
# what the processes without a web API import: their entry modules, the modules those load
# when the process starts, the database models and the routing decision
WITHOUT_WEB = [
    "api.core.db", "api.core.logs", "api.features", "api.availability.routing",
    "api.availability.services", "api.callerid.lookup", "api.callerid.services",
    "api.calls.services", "api.pushdevices.services", "api.pushdevices.store",
    "api.pushdevices.sender", "api.pushdevices.relay",
    "sip_gateway.__main__", "sip_gateway.routeproc", "sip_gateway.store",
    "sip_gateway.session", "sip_gateway.inbound", "sip_gateway.recorder", "sip_gateway.commands",
    "sip_gateway.pusher",
    "push", "push.relay", "push.service", "bootstrap", "bootstrap.wiring", "api.queues.alerts",
]
PROJECT = ("api", "i18n", "push", "sip_gateway")

PROBE = r"""
import builtins, importlib, importlib.util, json, sys
forbidden, modules, then = set(json.loads(sys.argv[1])), json.loads(sys.argv[2]), sys.argv[3]
seen, real = [], builtins.__import__

def absolute(name, importer, package, level):
    if level == 0:
        return name
    return importlib.util.resolve_name("." * level + name, package or importer)

def recording(name, globals=None, locals=None, fromlist=(), level=0):
    importer = (globals or {}).get("__name__") or ""
    if importer.split(".")[0] in %(project)r:
        full = absolute(name, importer, (globals or {}).get("__package__"), level)
        wanted = [full] + [full + "." + f for f in fromlist or () if f != "*"]
        for one in wanted:
            if one in forbidden or one.split(".")[0] in forbidden:
                seen.append([importer, one])
    return real(name, globals, locals, fromlist, level)

builtins.__import__ = recording
for module in modules:
    importlib.import_module(module)
if then:
    exec(then)
print(json.dumps({"imports": seen, "loaded": sorted(m for m in forbidden if m in sys.modules)}))
""" % {"project": PROJECT}


def probe(modules: list[str], forbidden: set[str], then: str = "") -> dict:
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(sorted(forbidden)),
                           json.dumps(modules), then],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.splitlines()[-1])


def _own_imports(path: Path) -> set[str]:
    """Every import line of one file, including those inside functions."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _forbidden(names: set[str]) -> set[str]:
    return {n for n in names if n in IO or n.split(".")[0] in IO}


def test_the_probe_sees_io_imported_through_another_project_module():
    found = probe(["api.core.phone"], IO | {"api.core.errors"})
    assert ["api.core.phone", "api.core.errors"] in found["imports"]


def test_the_probe_sees_flask_loaded_by_the_web_side():
    assert probe(["api.core.request_db"], WEB)["loaded"] == ["flask", "werkzeug"]


@pytest.mark.parametrize("module", PURE_MODULES)
def test_pure_core_module_imports_no_io_directly_or_through_the_project(module):
    found = probe([module], IO)
    assert found["imports"] == [], f"{module} reaches I/O: {found['imports']}"


@pytest.mark.parametrize("module", PURE_MODULES + PURE_PUSH_MODULES)
def test_pure_core_module_has_no_io_import_inside_a_function_either(module):
    path = ROOT / Path(*module.split(".")).with_suffix(".py")
    assert not _forbidden(_own_imports(path)), f"{module} imports I/O"


def test_processes_without_a_web_api_never_load_flask():
    found = probe(WITHOUT_WEB, WEB)
    assert found["loaded"] == [], f"loaded {found['loaded']} through {found['imports']}"


def test_every_model_and_the_feature_wiring_load_without_flask():
    found = probe(["bootstrap"], WEB, then="from api.features import import_models\n"
                  "from bootstrap import wiring\nimport_models()\nwiring.ports()")
    assert found["loaded"] == [], f"loaded {found['loaded']} through {found['imports']}"


def test_the_gateway_adapter_loads_without_flask():
    pytest.importorskip("pjsua2")
    found = probe(["sip_gateway.pjsip_adapter"], WEB)
    assert found["loaded"] == [], f"loaded {found['loaded']} through {found['imports']}"
