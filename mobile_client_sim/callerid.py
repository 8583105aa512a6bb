"""The app's who's-calling screens: directory search, number lookup, favourites, call log."""
from __future__ import annotations

from .availability import short_time
from .client import AppClient


def search_directory(app: AppClient, q: str = "", page: int = 1, page_size: int = 20
                     ) -> list[dict]:
    """Colleagues (with live availability) and company contacts matching `q`."""
    params = {"page": page, "page_size": page_size}
    if q:
        params["q"] = q
    return app.request("GET", "/api/v1/directory", params=params)


def lookup(app: AppClient, number: str) -> dict:
    """Who is this number: {found, hit: {name, company, title, department, source...}}."""
    return app.request("GET", "/api/v1/callerid/lookup", params={"number": number})


def favourites(app: AppClient) -> list[dict]:
    return app.request("GET", "/api/v1/me/favourites")


def add_favourite(app: AppClient, kind: str, *, target_id: int | None = None,
                  number: str | None = None, label: str | None = None) -> dict:
    body = {"kind": kind, "target_id": target_id, "number": number, "label": label}
    return app.request("POST", "/api/v1/me/favourites",
                       json={k: v for k, v in body.items() if v is not None})


def remove_favourite(app: AppClient, favourite_id: int) -> None:
    app.request("DELETE", f"/api/v1/me/favourites/{favourite_id}")


def reorder_favourites(app: AppClient, ids: list[int]) -> list[dict]:
    return app.request("PUT", "/api/v1/me/favourites", json={"ids": list(ids)})


def call_log(app: AppClient, *, missed: bool = False, open_only: bool = False) -> list[dict]:
    params = {}
    if missed:
        params["missed"] = "true"
    if open_only:
        params["handled"] = "false"
    return app.request("GET", "/api/v1/me/call-log", params=params)


def mark_handled(app: AppClient, entry_id: int, handled: bool = True) -> dict:
    return app.request("PATCH", f"/api/v1/me/call-log/{entry_id}", json={"handled": handled})


def describe_entry(e: dict) -> str:
    """One line of the directory or favourites screen."""
    what = ", ".join(x for x in (e.get("title"), e.get("department"), e.get("company")) if x)
    numbers = " ".join(n["number"] for n in e.get("numbers") or []) or e.get("number") or ""
    status = ""
    if e.get("availability"):
        a = e["availability"]
        until = f" until {short_time(a['until'])}" if a.get("until") else ""
        status = f"  [{a.get('name')}{until}]"
    if e.get("in_call"):
        status += "  (in a call)"
    return f"{e.get('name')}{' – ' + what if what else ''}  {numbers}{status}".rstrip()


def describe_call(c: dict) -> str:
    """One line of the call log: missed calls still show who called."""
    who = (c.get("hit") or {}).get("name") or "Unknown"
    mark = "MISSED" if c.get("missed") else c["direction"]
    handled = " (handled)" if c.get("handled_at") else ""
    moved = ""
    if c.get("transfer"):  # I transferred this call
        t = c["transfer"]
        to = t["target"].get("name") or t["target"].get("number")
        moved = f"  -> {to} ({t['method'].replace('_', ' ')}, {t['state']})"
    return (f"{c['started_at'][:16]}  {mark:<8}  {who}  {c.get('other_number') or ''}"
            f"{handled}{moved}")
