"""Every text an error carries to a user is a catalog message (pure, on the sources).

A raise site that passes a literal English sentence (or an f-string, or a concatenation)
instead of `N_("...")` with its parts as values would be answered in English to everyone;
this walk over `api/` finds such sites. Exceptions meant for operators or programmers
(configuration, wiring, internal invariants) are not the user's and are left out by name.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# the errors whose message reaches the user (problem details, per-field messages, reasons
# carried into one); AppError's subclasses are found in the sources
CARRIERS = {"ValidationError", "Refused", "CalendarRefused", "ImportError_",
            "JSONLimitExceeded", "BadInbound"}
# where the message is: field_error(field, message), FieldInvalid(field, [messages])
MESSAGE_AT = {"field_error": 1, "FieldInvalid": 1, "_refuse": None}


def _name(node) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _trees() -> dict[Path, ast.Module]:
    return {p: ast.parse(p.read_text()) for p in sorted((ROOT / "api").rglob("*.py"))}


def _app_errors(trees) -> set[str]:
    """AppError and every class that derives from it, through any number of steps."""
    bases: dict[str, set[str]] = {}
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                bases[node.name] = {_name(b) for b in node.bases}
    found, grew = {"AppError"}, True
    while grew:
        more = {name for name, of in bases.items() if of & found} - found
        found, grew = found | more, bool(more)
    return found


def _unmarked(arg) -> bool:
    """A sentence written in place: a string literal, an f-string or text glued together."""
    if isinstance(arg, ast.Constant):
        return isinstance(arg.value, str) and any(c.isalpha() for c in arg.value)
    if isinstance(arg, (ast.List, ast.Tuple)):
        return any(_unmarked(e) for e in arg.elts)
    return isinstance(arg, (ast.JoinedStr, ast.BinOp))


def _messages(call: ast.Call, name: str) -> list:
    if name in MESSAGE_AT:
        at = MESSAGE_AT[name]
        given = call.args[at:at + 1] if at is not None else call.args[1:2]
    else:
        given = call.args[:1]
    return given + [k.value for k in call.keywords if k.arg in ("detail", "message", "error")]


def unmarked_sites(trees) -> list[str]:
    checked = _app_errors(trees) | CARRIERS | set(MESSAGE_AT)
    found = []
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _name(node.func)
            if name in checked:
                messages = _messages(node, name)
            elif name in ("Regexp", "Length", "Range", "OneOf", "Equal"):  # validators
                messages = [k.value for k in node.keywords if k.arg == "error"]
            else:
                continue
            found += [f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(m)[:80]}"
                      for m in messages if _unmarked(m)]
    return found


def test_every_error_text_raised_in_the_api_is_a_catalog_message():
    assert unmarked_sites(_trees()) == []


def test_the_walk_finds_a_sentence_written_in_place(tmp_path):
    sample = ast.parse(
        "class Gone(NotFound): pass\n"
        "raise Gone(f'No parrot with id {n}')\n"
        "raise field_error('name', 'is taken')\n"
        "raise field_error('name', N_('is taken'))\n"
        "raise Conflict(N_('The number {number} is taken'), values={'number': n})\n"
        "x = validate.Regexp('^a$', error='must be a')\n")
    trees = {ROOT / "api" / "sample.py": sample,
             ROOT / "api" / "errors.py": ast.parse("class NotFound(AppError): pass\n")}
    assert [s.split(": ", 1)[1] for s in unmarked_sites(trees)] == [
        "f'No parrot with id {n}'", "'is taken'", "'must be a'"]
