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
# where the message is: FieldInvalid(field, [messages]); the API's own helpers are read from
# their definitions (a parameter named `message`)
MESSAGE_AT = {"FieldInvalid": 1}


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


def _helpers(tree) -> dict[str, int]:
    """The functions a module defines that take a message: name -> its position."""
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names = [a.arg for a in node.args.args]
            if "message" in names:
                found[node.name] = names.index("message")
    return found


def _messages(call: ast.Call, at: int) -> list:
    return call.args[at:at + 1] + [k.value for k in call.keywords
                                   if k.arg in ("detail", "message", "error")]


def unmarked_sites(trees) -> list[str]:
    errors = _app_errors(trees) | CARRIERS
    shared = {name: at for tree in trees.values() for name, at in _helpers(tree).items()}
    found = []
    for path, tree in trees.items():
        helpers = {**shared, **MESSAGE_AT, **_helpers(tree)}  # a module's own first
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and node.name in errors:  # its `title`
                found += [f"{path.relative_to(ROOT)}:{a.lineno}: {ast.unparse(a.value)[:80]}"
                          for a in node.body if isinstance(a, ast.Assign)
                          and any(_name(t) == "title" for t in a.targets)
                          and _unmarked(a.value)]
            if not isinstance(node, ast.Call):
                continue
            name = _name(node.func)
            if name in helpers:
                messages = _messages(node, helpers[name])
            elif name in errors:
                messages = _messages(node, 0)
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
        "class Gone(NotFound):\n    title = 'Gone'\n"
        "raise Gone(f'No parrot with id {n}')\n"
        "raise field_error('name', 'is taken')\n"
        "raise field_error('name', N_('is taken'))\n"
        "def commit_or_conflict(db, message, field): pass\n"
        "commit_or_conflict(db, 'A queue with that name exists', 'name')\n"
        "raise Conflict(N_('The number {number} is taken'), values={'number': n})\n"
        "x = validate.Regexp('^a$', error='must be a')\n")
    trees = {ROOT / "api" / "sample.py": sample,
             ROOT / "api" / "errors.py": ast.parse(
                 "class NotFound(AppError): pass\n"
                 "def field_error(field, message, **values): pass\n")}
    assert sorted(s.split(": ", 1)[1] for s in unmarked_sites(trees)) == [
        "'A queue with that name exists'", "'Gone'", "'is taken'", "'must be a'",
        "f'No parrot with id {n}'"]
