"""Reading contacts from CSV and vCard, and register entries from CSV or JSON (no database).

Every reader yields (line or card number, record) where a record is a plain dict:
name, company, title, department, email, note, tags, address, numbers [(label, raw number)].
Numbers are normalised by the caller, which knows the company's country.
"""
from __future__ import annotations

import csv
import io
import json
from typing import Iterator
from i18n import N_

NUMBER_COLUMNS = ("number", "numbers", "phone", "telephone", "tel", "mobile", "office", "work",
                  "home", "direct", "switchboard", "fax")
ALIASES = {"organisation": "company", "organization": "company", "org": "company",
           "firm": "company", "role": "title", "job_title": "title", "dept": "department",
           "e-mail": "email", "mail": "email", "categories": "tags", "full_name": "name"}


class ImportError_(ValueError):
    """The file as a whole cannot be read (the message says why)."""


def _split(value: str) -> list[str]:
    return [p.strip() for p in value.replace("|", ";").split(";") if p.strip()]


def _record_from_row(row: dict[str, str]) -> dict:
    rec: dict = {"numbers": [], "tags": []}
    for raw_key, raw_value in row.items():
        if raw_key is None or raw_value is None:
            continue
        key = raw_key.strip().lower().replace(" ", "_")
        key = ALIASES.get(key, key)
        value = raw_value.strip() if isinstance(raw_value, str) else raw_value
        if not value:
            continue
        if key in NUMBER_COLUMNS:
            label = None if key in ("number", "numbers") else key
            for n in (value if isinstance(value, list) else _split(str(value))):
                rec["numbers"].append((label, str(n)))
        elif key == "tags":
            rec["tags"] = value if isinstance(value, list) else [
                t for t in (p.strip() for p in str(value).replace(",", ";").split(";")) if t]
        elif key in ("name", "first_name", "last_name", "company", "title", "department",
                     "email", "note", "address"):
            rec[key] = str(value)
    if not rec.get("name"):
        rec["name"] = " ".join(p for p in (rec.pop("first_name", ""), rec.pop("last_name", ""))
                               if p) or rec.get("company", "")
    rec.pop("first_name", None)
    rec.pop("last_name", None)
    return rec


def read_csv(text: str) -> Iterator[tuple[int, dict]]:
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
    try:
        if not reader.fieldnames:
            raise ImportError_(N_("the CSV has no header line"))
        for row in reader:
            yield reader.line_num, _record_from_row(row)
    except csv.Error as exc:
        raise ImportError_(N_("unreadable CSV at line {line}: {error}").format(
            line=reader.line_num, error=exc))


def read_json(text: str) -> Iterator[tuple[int, dict]]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ImportError_(N_("not valid JSON: {error}").format(error=exc))
    if isinstance(data, dict):
        data = data.get("entries") or data.get("contacts") or []
    if not isinstance(data, list):
        raise ImportError_(N_("JSON must be a list of entries or an object with \"entries\""))
    for i, item in enumerate(data, start=1):
        if isinstance(item, dict):
            yield i, _record_from_row({str(k): v if isinstance(v, list) else
                                       ("" if v is None else str(v)) for k, v in item.items()})


def read_vcard(text: str) -> Iterator[tuple[int, dict]]:
    import vobject

    try:
        cards = list(vobject.readComponents(text, ignoreUnreadable=True))
    except Exception as exc:  # vobject raises its own ParseError and plain errors alike
        raise ImportError_(N_("not a readable vCard file: {error}").format(error=exc))
    for i, card in enumerate(cards, start=1):
        if card.name != "VCARD":
            continue
        yield i, _record_from_card(card)


def _text(card, key: str) -> str | None:
    item = card.contents.get(key)
    if not item:
        return None
    value = item[0].value
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value if v)
    return str(value).strip() or None


def _record_from_card(card) -> dict:
    rec: dict = {"numbers": [], "tags": []}
    rec["name"] = _text(card, "fn") or ""
    if not rec["name"] and "n" in card.contents:
        n = card.contents["n"][0].value
        rec["name"] = " ".join(p for p in (n.given, n.family) if p).strip()
    org = card.contents.get("org")
    if org:
        parts = org[0].value if isinstance(org[0].value, list) else [org[0].value]
        rec["company"] = (parts[0] or "").strip() or None
        if len(parts) > 1 and parts[1]:
            rec["department"] = parts[1].strip()
    rec["title"] = _text(card, "title")
    rec["email"] = _text(card, "email")
    rec["note"] = _text(card, "note")
    if "categories" in card.contents:
        value = card.contents["categories"][0].value
        rec["tags"] = [t.strip() for t in (value if isinstance(value, list) else [value])
                       if t and t.strip()]
    for tel in card.contents.get("tel", []):
        types = [t.lower() for t in tel.params.get("TYPE", [])]
        label = next((t for t in ("cell", "work", "home", "fax") if t in types), None)
        rec["numbers"].append(({"cell": "mobile"}.get(label, label), str(tel.value)))
    if not rec["name"]:
        rec["name"] = rec.get("company") or ""
    return {k: v for k, v in rec.items() if v is not None}


READERS = {"csv": read_csv, "json": read_json, "vcard": read_vcard}
