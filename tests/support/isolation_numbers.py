"""Isolation walk provider for the number registry: a number series."""
from __future__ import annotations


def provide(client, headers: dict, company) -> dict:
    series = client.post("/api/v1/numbers/series", json={
        "kind": "public", "first": "+4722880000", "last": "+4722880099",
        "label": "Alpha Marker series"}, headers=headers)
    assert series.status_code == 201, series.get_json()
    return {"ids": {"series_id": series.get_json()["id"]}}
