"""CLI: directory search, number lookup, favourites and the call log."""
from __future__ import annotations

from . import callerid
from .cli import command


def _lines(rows: list[dict], line, empty: str) -> None:
    for row in rows:
        print(line(row))
    if not rows:
        print(empty)


@command("directory", "search colleagues and company contacts: directory [TEXT]")
def _directory(app, args):
    _lines(callerid.search_directory(app, " ".join(args.rest)),
           lambda e: f"{e['kind'][:1]}{e['id']:<6} {callerid.describe_entry(e)}", "nobody found")


@command("lookup", "who is this number: lookup NUMBER")
def _lookup(app, args):
    r = callerid.lookup(app, args.rest[0])
    if not r["found"]:
        print("unknown number" + ("" if r["lookup_enabled"] else " (number lookup is off)"))
        return
    h = r["hit"]
    extra = ", ".join(x for x in (h.get("title"), h.get("department"), h.get("company")) if x)
    print(f"{h['name']}{' – ' + extra if extra else ''}  ({h['source_name']})")


def _favourite(f: dict) -> str:
    return f"#{f['id']:<5} {callerid.describe_entry(f)}"


@command("favourites", "my favourites, in order, with availability")
def _favourites(app, args):
    _lines(callerid.favourites(app), _favourite, "no favourites")


@command("favourite-add", "add a favourite: favourite-add colleague|contact|queue|main_number ID,"
                          " or favourite-add external NUMBER [LABEL]")
def _favourite_add(app, args):
    kind, target = args.rest[0], args.rest[1]
    if kind == "external":
        f = callerid.add_favourite(app, kind, number=target,
                                   label=" ".join(args.rest[2:]) or None)
    else:
        f = callerid.add_favourite(app, kind, target_id=int(target))
    print(f"added #{f['id']}: {callerid.describe_entry(f)}")


@command("favourite-remove", "remove a favourite: favourite-remove ID")
def _favourite_remove(app, args):
    callerid.remove_favourite(app, int(args.rest[0]))
    print("removed")


@command("favourite-order", "reorder favourites: favourite-order ID ID ...")
def _favourite_order(app, args):
    _lines(callerid.reorder_favourites(app, [int(x) for x in args.rest]), _favourite, "")


@command("calls", "my call log: calls [missed]")
def _calls(app, args):
    _lines(callerid.call_log(app, missed="missed" in args.rest),
           lambda c: f"#{c['id']:<5} {callerid.describe_call(c)}", "no calls")


@command("call-handled", "mark a missed call handled: call-handled ID")
def _handled(app, args):
    callerid.mark_handled(app, int(args.rest[0]))
    print("marked handled")
