"""The app's availability screen: my state, pick a profile (with an end time), preview."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from .client import AppClient


def my_availability(app: AppClient) -> dict:
    return app.request("GET", "/api/v1/me/availability")


def my_profiles(app: AppClient) -> list[dict]:
    return app.request("GET", "/api/v1/me/profiles")


def find_profile(app: AppClient, name_or_key: str) -> dict:
    wanted = name_or_key.strip().lower()
    profiles = my_profiles(app)
    for p in profiles:
        if wanted in (p["name"].lower(), (p.get("key") or "").lower(), str(p["id"])):
            return p
    known = ", ".join(f"{p['name']!r}" + (f" ({p['key']})" if p.get("key") else "")
                      for p in profiles)
    raise LookupError(f"no profile called {name_or_key!r}; yours are {known}")


def until_from(text: str | None, now: datetime | None = None) -> str | None:
    """"90m", "2h", a clock time "13:00" (the next 13:00 on this phone's clock) or an ISO 8601
    instant -> ISO 8601 with offset; None = until changed. Anything else is a ValueError
    saying what is accepted."""
    if not text:
        return None
    now = now or datetime.now(timezone.utc)
    text = text.strip()
    if text[-1:] in ("m", "h") and text[:-1].isdigit():
        minutes = int(text[:-1]) * (60 if text[-1] == "h" else 1)
        return (now + timedelta(minutes=minutes)).isoformat()
    clock = _clock_time(text)
    if clock is not None:
        local = now.astimezone()
        at = local.replace(hour=clock.hour, minute=clock.minute, second=0, microsecond=0)
        return (at if at > local else at + timedelta(days=1)).isoformat()
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not an end time: give minutes (45m), hours (2h), "
                         "a clock time (13:00) or an ISO 8601 time") from None
    return (at if at.tzinfo else at.astimezone()).isoformat()


def _clock_time(text: str) -> time | None:
    hours, sep, minutes = text.partition(":")
    if not (sep and hours.isdigit() and minutes.isdigit() and len(minutes) == 2
            and len(hours) <= 2):
        return None
    if int(hours) > 23 or int(minutes) > 59:
        return None
    return time(int(hours), int(minutes))


def short_time(iso: str | None, now: datetime | None = None) -> str:
    """An instant from the API as the phone shows it: "13:00" today, else "Tue 8 Dec 13:00",
    on this phone's clock."""
    if not iso:
        return ""
    at = datetime.fromisoformat(iso).astimezone()
    today = (now or datetime.now(timezone.utc)).astimezone().date()
    clock = at.strftime("%H:%M")
    return clock if at.date() == today else f"{at:%a} {at.day} {at:%b} {clock}"


def set_availability(app: AppClient, profile: str, until: str | None = None,
                     note: str | None = None) -> dict:
    """Pick a profile by name, key or id, optionally until a time ("13:00" ends by itself)."""
    chosen = find_profile(app, profile)
    return app.request("PUT", "/api/v1/me/availability",
                       json={"profile_id": chosen["id"], "until": until_from(until), "note": note})


def preview(app: AppClient, caller: str | None = None, busy: bool | None = None,
            dialled: str | None = None) -> dict:
    """What happens if someone calls me now (on my `dialled` number: office, mobile, main,
    short)."""
    params = {}
    if caller:
        params["caller"] = caller
    if dialled:
        params["dialled"] = dialled
    if busy is not None:
        params["busy"] = "true" if busy else "false"
    return app.request("GET", "/api/v1/me/routing-preview", params=params)


def describe(plan: dict) -> list[str]:
    """The plan as the app shows it, one line per step."""
    lines = [f"{plan['profile_name']} ({plan['source']}): {plan['reason']}"]
    for step in plan["steps"]:
        if step["action"] == "announce":
            lines.append(f"announce: {step['text']}")
        elif step["action"] == "ring":
            rings = ", ".join(f"{t['kind']} {t['address']}" + (f" after {t['delay']} s"
                                                                if t["delay"] else "")
                              + (f" until {t['stop']} s" if t.get("stop") else "")
                              for t in step["targets"])
            lines.append(f"ring {rings} for {step['timeout']} s")
        else:
            dest = step.get("destination") or {}
            lines.append(f"{step['action']}" + (f" to {dest['kind']} {dest['target']}"
                                                 if dest.get("target") else ""))
    return lines
