"""Who's calling benchmark: 1,000,000 directory numbers (company contacts plus an external
register), on SQLite and on PostgreSQL.

Measures
- the lookup function in-process, one core: p50/p99 and lookups per second
  (targets: p99 < 1 ms, >= 20,000/s);
- GET /api/v1/callerid/lookup under gunicorn against the minimal Flask ceiling, served at
  the same time and loaded in turn (targets >= 0.5 of it on SQLite, >= 0.35 on PostgreSQL);
- the call-directory export of 100,000 entries (target < 1 s, memory flat).

    .venv/bin/python -m bench.bench_callerid [--db sqlite|postgresql|both] [--numbers N]
"""
from __future__ import annotations

import argparse
import contextlib
import os
import random
import shutil
import statistics
import tempfile
import time
import tracemalloc
import urllib.request

from bench.lib import login, report, serve, side_by_side

PASSWORD = "bench-pass"
COMPANY_NUMBERS = 100_000


@contextlib.contextmanager
def database(kind: str):
    if kind == "sqlite":
        d = tempfile.mkdtemp(prefix="pbx-bench-cid-")
        try:
            yield f"sqlite:///{d}/bench.db"
        finally:
            shutil.rmtree(d, ignore_errors=True)
    else:
        from tests.support.pg import ThrowawayPostgres
        server = ThrowawayPostgres().start()
        try:
            yield server.create_database("bench_callerid")
        finally:
            server.stop()


def seed(url: str, total: int) -> dict:
    """A company with two users, COMPANY_NUMBERS company-contact numbers and the rest in a
    register; bulk-inserted straight into the number index."""
    os.environ.setdefault("PASSWORD_HASH_PROFILE", "fast")
    from api.accounts import admin, permissions
    from api.callerid import services
    from api.callerid.models import DirectoryChange, DirectoryNumber
    from bootstrap import benchmark
    from api.migrate import upgrade

    upgrade(url)
    process = benchmark(url)
    engine = process.engine
    with process.sessions() as db:
        tenant = admin.create_tenant(db, name="Bench AS")
        role = admin.builtin_role(db, tenant.id, permissions.USER)
        user = admin.create_user(db, tenant, {"mobile": "+4790000002", "first_name": "Bench",
                                              "role_id": role.id}, password=PASSWORD)
        db.commit()
        source = services.create_source(db, tenant.id, {"name": "Register", "kind": "register"})
        tenant_id, user_id, source_id = tenant.id, user.id, source.id
    company = [4721000000 + i * 7 for i in range(COMPANY_NUMBERS)]
    register = [4730000000 + i * 3 for i in range(total - COMPANY_NUMBERS)]
    cols = ["tenant_id", "num", "e164", "kind", "rank", "owner_id", "owner_user_id", "label",
            "name", "company", "title", "department", "address"]
    rows = [(tenant_id, n, f"+{n}", "contact", 10, i + 1, None, "work", f"Contact {i}",
             f"Customer {i % 5000} AS", None, None, None) for i, n in enumerate(company)]
    rows += [(tenant_id, n, f"+{n}", "external", 100, source_id, None, None, f"Business {i}",
              f"Business {i} AS", None, None, "Storgata 1") for i, n in enumerate(register)]
    started = time.perf_counter()
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        table = DirectoryNumber.__tablename__
        if engine.dialect.name == "postgresql":
            with cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                for r in rows:
                    copy.write_row(r)
            with cur.copy(f"COPY {DirectoryChange.__tablename__} (tenant_id, num) FROM STDIN"
                          ) as copy:
                for n in company:
                    copy.write_row((tenant_id, n))
            cur.execute(f"ANALYZE {table}")
        else:
            marks = ", ".join("?" for _ in cols)
            cur.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})", rows)
            cur.executemany(f"INSERT INTO {DirectoryChange.__tablename__} (tenant_id, num) "
                            "VALUES (?, ?)", [(tenant_id, n) for n in company])
            cur.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()
    seeded_s = time.perf_counter() - started
    engine.dispose()
    return {"tenant_id": tenant_id, "user_id": user_id, "company": company,
            "register": register, "seed_s": seeded_s}


def in_process(url: str, data: dict, n: int = 30_000) -> dict:
    from api.callerid.services import lookup
    from bootstrap import benchmark

    rnd = random.Random(5)
    numbers = [f"+{rnd.choice(data['company'])}" for _ in range(n // 2)]
    numbers += [f"+{rnd.choice(data['register'])}" for _ in range(n // 4)]
    numbers += [f"+47{rnd.randint(40000000, 49999999)}" for _ in range(n // 4)]  # unknown
    rnd.shuffle(numbers)
    process = benchmark(url)
    engine = process.engine
    lat = []
    with process.sessions() as db:
        for number in numbers[:500]:  # warm up caches and the statement cache
            lookup(db, data["tenant_id"], data["user_id"], number)
        found = 0
        started = time.perf_counter()
        for number in numbers:
            t = time.perf_counter()
            hit = lookup(db, data["tenant_id"], data["user_id"], number)
            lat.append(time.perf_counter() - t)
            found += hit is not None
        total = time.perf_counter() - started
    engine.dispose()
    lat.sort()
    return {"n": n, "per_s": n / total, "p50_ms": statistics.median(lat) * 1000,
            "p99_ms": lat[int(len(lat) * 0.99) - 1] * 1000, "found": found}


def export(url: str, data: dict) -> dict:
    from api.callerid.calldirectory import stream_full, version
    from bootstrap import benchmark

    process = benchmark(url)
    engine = process.engine
    with process.sessions() as db:
        at = version(db, data["tenant_id"], data["user_id"])
    pieces = lambda: stream_full(engine, data["tenant_id"], data["user_id"], at)  # noqa: E731
    started = time.perf_counter()
    size = sum(len(piece) for piece in pieces())
    took = time.perf_counter() - started
    tracemalloc.start()  # a second pass, for the memory high-water mark only
    for _piece in pieces():
        pass
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    engine.dispose()
    return {"s": took, "bytes": size, "peak_mb": peak / 2**20}


def over_http(url: str, data: dict, duration: int, ceiling: str) -> dict:
    with serve("api.wsgi:app", env={"DATABASE_URL": url, "APP_ENV": "development"}) as base:
        token = login(base, "+4790000002", PASSWORD)
        headers = {"Authorization": f"Bearer {token}"}
        number = data["company"][len(data["company"]) // 2]
        got = side_by_side({"ceiling": (ceiling + "/ping", None),
                            "api": (f"{base}/api/v1/callerid/lookup?number=%2B{number}",
                                    headers),
                            "me": (f"{base}/api/v1/me", headers)}, duration=duration)
        req = urllib.request.Request(base + "/api/v1/me/call-directory", headers=headers)
        started = time.perf_counter()
        with urllib.request.urlopen(req) as resp:
            size = len(resp.read())
        http_export_s = time.perf_counter() - started
    return {**got, "export_s": http_export_s, "export_bytes": size}


def run(kind: str, total: int, duration: int, ceiling_url: str) -> None:
    with database(kind) as url:
        data = seed(url, total)
        fn = in_process(url, data)
        ex = export(url, data)
        http = over_http(url, data, duration, ceiling_url)
    api, ceiling = http["api"], http["ceiling"]
    target = 0.5 if kind == "sqlite" else 0.35
    report(f"who's calling on {kind}: {total:,} directory numbers", [
        ("seeding (bulk)", f"{data['seed_s']:.1f} s"),
        ("lookup() in-process", f"{fn['per_s']:,.0f}/s  p50 {fn['p50_ms']:.3f} ms  "
                                f"p99 {fn['p99_ms']:.3f} ms  ({fn['found']:,} of {fn['n']:,} "
                                "found)  targets >= 20,000/s, p99 < 1 ms"),
        ("ceiling req/s", f"{ceiling['rps']:.0f}  p50 {ceiling['p50_ms']:.2f} ms  "
                          f"p99 {ceiling['p99_ms']:.2f} ms (side by side, 5 rounds)"),
        ("GET /callerid/lookup", f"{api['rps']:.0f} req/s  p50 {api['p50_ms']:.2f} ms  "
                                 f"p99 {api['p99_ms']:.2f} ms  non-2xx {api['errors']}"),
        ("ratio to ceiling", f"{api['ratio']:.2f}, median of the rounds' "
                             f"{', '.join(f'{r:.2f}' for r in api['ratios'])}  "
                             f"(target >= {target:.2f})"),
        ("GET /me, same server", f"{http['me']['rps']:.0f} req/s (authentication alone: "
                                 f"{http['me']['ratio']:.2f} of the ceiling)"),
        ("call directory 100k (in-process)", f"{ex['s']:.2f} s, {ex['bytes'] / 2**20:.1f} MiB, "
                                             f"peak Python memory {ex['peak_mb']:.1f} MiB"),
        ("call directory 100k (HTTP)", f"{http['export_s']:.2f} s  (target < 1 s)"),
    ])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    ap.add_argument("--numbers", type=int, default=1_000_000)
    ap.add_argument("--duration", type=int, default=10)
    args = ap.parse_args()
    with serve("bench.ceiling:app", probe="/ping") as ceiling:
        for kind in (("sqlite", "postgresql") if args.db == "both" else (args.db,)):
            run(kind, args.numbers, args.duration, ceiling)


if __name__ == "__main__":
    main()
