"""Every environment variable the project reads is in `docs/configuration.md`.

Reads the code as text (no import): Python lines that mention the environment (or a
`..._VARIABLE` constant) and name a variable as a string, and `${NAME:-default}` in shell
scripts and deploy files. The `PBX_MESSAGES_*` names are built from the fields of `MessagesConfig`.
"""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ["api", "bootstrap", "push", "sip_gateway", "mobile_client_sim", "i18n", "bench",
           "scripts", "deploy"]
PY_NAME = re.compile(r"""["']([A-Z][A-Z0-9]*_[A-Z0-9_]+|PORT|HOST|GATEWAYS)["']""")
SH_NAME = re.compile(r"\$\{([A-Z][A-Z0-9_]*):?-")
MESSAGES_FIELD = re.compile(r"^    (\w+): int = ", re.M)


def variables_read_by(path: Path) -> set[str]:
    text = path.read_text(errors="replace")
    if path.suffix == ".py":
        return {name for line in text.splitlines() if re.search(r"env|variable", line, re.I)
                for name in PY_NAME.findall(line)}
    return set(SH_NAME.findall(text))


def variables_read_by_the_project() -> set[str]:
    names: set[str] = set()
    for top in SOURCES:
        for path in (ROOT / top).rglob("*"):
            if path.is_file() and path.suffix in (".py", ".sh", ".cfg", ".conf", ".service"):
                names |= variables_read_by(path)
    names |= set(SH_NAME.findall((ROOT / "Makefile").read_text()))
    messages = (ROOT / "api/messages/config.py").read_text()
    names |= {f"PBX_MESSAGES_{field.upper()}" for field in MESSAGES_FIELD.findall(messages)}
    return names


def documented_variables() -> set[str]:
    table = [line for line in (ROOT / "docs/configuration.md").read_text().splitlines()
             if line.startswith("| ")]
    return {name for line in table
            for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", line.split("|")[2])}


def test_the_scan_finds_variables_of_every_kind():
    found = variables_read_by_the_project()
    assert {"DATABASE_URL", "SIP_TRUNKS", "RESTART_MAX_S", "WEB_TIMEOUT", "SIM_API",
            "PBX_MESSAGES_MAX_PARTS", "PBX_CALENDAR_HOSTS"} <= found


def test_every_environment_variable_the_code_reads_is_in_the_configuration_table():
    missing = variables_read_by_the_project() - documented_variables()
    assert not missing, f"add to docs/configuration.md: {sorted(missing)}"


def test_the_configuration_table_names_no_variable_the_code_does_not_read():
    stale = documented_variables() - variables_read_by_the_project()
    assert not stale, f"no longer read, remove from docs/configuration.md: {sorted(stale)}"
