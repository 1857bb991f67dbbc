"""Benchmark Boost today and GET /api/v1/boost on a realistic big database.

100,000 diaries (most of them old, a few hundred live) and 2,000,000 metric rows, on
SQLite (a temporary file) and on PostgreSQL (the local `test` database, in its own schema,
dropped afterwards). Prints p50/p95 per backend; the last line is machine-readable:

    RESULT sqlite_page_p95_ms=… sqlite_api_p95_ms=… postgres_page_p95_ms=… postgres_api_p95_ms=…

Run: .venv/bin/python bench/dashboard.py [--requests 40] [--skip-postgres]

Load mode (``--load``, see bench/dashboard_load.py): many people at once against
``run.py web --workers 4`` on PostgreSQL, 4,000 live diaries in 1,000,000 / 20,000,000
metric rows; prints ``RESULT load_page_p95_ms=… load_api_p95_ms=… load_rps=…``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, text  # noqa: E402

from app import clock, create_app  # noqa: E402
from app.accounts.users import create_user, issue_api_token  # noqa: E402
from config import Config  # noqa: E402
from models import Shift, ShiftAssignment, Site, make_engine, make_session_factory  # noqa: E402
from models.migrate import upgrade  # noqa: E402

NOW = datetime(2026, 11, 17, 19, 0, tzinfo=UTC)
DIARIES = 100_000
METRICS = 2_000_000
LIVE = 400  # published in the last 48 h
PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PASSWORD = "bench password 123"
SITES = [("dailykos", "Daily Kos", "https://www.dailykos.com", "dailykos"),
         ("mydd", "MyDD", "https://www.mydd.com", "scoop"),
         ("calitics", "Calitics", "https://www.calitics.com", "soapblox")]


def _diaries(rng: random.Random, site_ids: list[int]):
    """Rows in id order: old diaries first (spread over a year), the live ones last."""
    rows = []
    for i in range(1, DIARIES + 1):
        live = i > DIARIES - LIVE
        age = rng.uniform(0, 48) if live else rng.uniform(49, 365 * 24)
        published = NOW - timedelta(hours=age)
        # About a third of all diaries are on health care; the rest still get polled.
        topic = round(rng.uniform(0.5, 8), 2) if rng.random() < 0.35 else 0.0
        recs = int(rng.paretovariate(1.3) * 3) if live else rng.randint(0, 200)
        rows.append({
            "id": i, "site_id": site_ids[i % len(site_ids)], "guid": f"guid-{i}",
            "url": f"https://blog.example/diary/{i}", "title": f"Diary {i} on health care",
            "author": f"author{i % 3000}", "published_at": published,
            "summary_html": "<p>summary</p>", "tags": [], "topic_score": topic,
            "topic_terms": ["single payer"] if topic else [],
            "content_hash": f"{i:064d}", "first_seen_at": published,
            "last_seen_at": published, "crosspost_group_id": None,
            "recommends": recs, "comments": recs // 2, "counts_checked_at": NOW,
            "on_rec_list": live and recs > 30, "age": age,
        })
    live_rows = rows[-LIVE:]
    for a, b in zip(live_rows[0:60:2], live_rows[1:60:2], strict=True):  # some cross-posts
        a["crosspost_group_id"] = b["crosspost_group_id"] = a["id"]
    return rows


def _metrics(rng: random.Random, diaries: list[dict]):
    """Live diaries as the intake stores them: polled every 10 min inside the 24 h rec window,
    a row when a count moved or hourly (scrapers/store.py); the rest of the 2 M spread old."""
    live = diaries[-LIVE:]
    out = []
    for d in live:
        last = None
        for k in range(1, int(min(d["age"], 24) * 6) + 1):
            # Front-loaded growth: a diary gets most of its recs in its first hours.
            share = 1 - math.exp(-k / 18)
            counts = (int(d["recommends"] * share), int(d["comments"] * share))
            if last is None or counts != last[1] or k - last[0] >= 6:
                out.append((d["id"], d["published_at"] + timedelta(minutes=10 * k), *counts))
                last = (k, counts)
    remaining = METRICS - len(out)
    old = diaries[:-LIVE]
    per = remaining // len(old)
    extra = remaining - per * len(old)
    for n, d in enumerate(old):
        count = per + (1 if n < extra else 0)
        for k in range(count):
            share = (k + 1) / count
            out.append((d["id"], d["published_at"] + timedelta(minutes=20 * (k + 1)),
                        int(d["recommends"] * share), int(d["comments"] * share)))
    return out


def _seed(engine) -> None:
    rng = random.Random(42)
    sessions = make_session_factory(engine)
    with sessions() as s:
        for slug, name, base, platform in SITES:
            s.add(Site(slug=slug, name=name, base_url=base, platform=platform,
                       rec_list_checked_at=NOW))
        s.commit()
        site_ids = [x.id for x in s.query(Site).order_by(Site.id)]
    diaries = _diaries(rng, site_ids)
    metrics = _metrics(rng, diaries)
    started = time.perf_counter()
    if engine.dialect.name == "postgresql":
        _copy_postgres(engine, diaries, metrics)
    else:
        _insert_sqlite(engine, diaries, metrics)
    print(f"  loaded {len(diaries):,} diaries and {len(metrics):,} metrics in "
          f"{time.perf_counter() - started:.1f} s", flush=True)
    with sessions() as s:
        users = [create_user(s, email=f"bench{i}@example.org", password=PASSWORD,
                             display_name=f"Bench {i}") for i in range(20)]
        s.flush()
        for d in diaries[-LIVE:][::3]:
            for u in rng.sample(users, 3):
                s.execute(text("INSERT INTO actions (user_id, diary_id, kind, target_site_id, at)"
                               " VALUES (:u, :d, 'recommend', :site, :at)"),
                          {"u": u.id, "d": d["id"], "site": d["site_id"], "at": NOW})
        shift = Shift(site_id=site_ids[0], starts_at=NOW - timedelta(hours=1),
                      ends_at=NOW + timedelta(hours=2), focus="recommend")
        s.add(shift)
        s.flush()
        s.add(ShiftAssignment(shift_id=shift.id, user_id=users[0].id))
        s.commit()
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))


def _insert_sqlite(engine, diaries, metrics) -> None:
    from models import Diary

    cols = [c.name for c in Diary.__table__.columns]
    with engine.begin() as conn:
        conn.execute(insert(Diary.__table__), [{k: d[k] for k in cols} for d in diaries])
        fmt = "%Y-%m-%d %H:%M:%S.%f"
        # Driver-level executemany: two million ORM-free rows in seconds.
        conn.exec_driver_sql(
            "INSERT INTO diary_metrics (diary_id, observed_at, recommends, comments) "
            "VALUES (?, ?, ?, ?)",
            [(d, at.astimezone(UTC).strftime(fmt), r, c) for d, at, r, c in metrics])


def _copy_postgres(engine, diaries, metrics) -> None:
    from models import Diary

    cols = [c.name for c in Diary.__table__.columns]
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cur:
            with cur.copy(f"COPY diaries ({', '.join(cols)}) FROM STDIN") as copy:
                for d in diaries:
                    copy.write_row([json.dumps(d[k]) if isinstance(d[k], list) else d[k]
                                    for k in cols])
            with cur.copy("COPY diary_metrics (diary_id, observed_at, recommends, comments) "
                          "FROM STDIN") as copy:
                for row in metrics:
                    copy.write_row(row)
            cur.execute("SELECT setval(pg_get_serial_sequence('diaries', 'id'), %s)",
                        (DIARIES,))
        raw.commit()
    finally:
        raw.close()


def _percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def _measure(engine, url: str, requests: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        config = Config.from_env({"INSTANCE_PATH": tmp, "SECRET_KEY": "bench-secret-key-123456",
                                  "SCHEDULER_ENABLED": "0", "DATABASE_URL": url})
        sessions = make_session_factory(engine)
        app = create_app(config, sessions)
        with app.app_context():
            clock.pin(NOW)
        with sessions() as s:
            from app.accounts.users import find_user

            token = issue_api_token(s, find_user(s, "bench0@example.org"))
            s.commit()
        client = app.test_client()
        from selectolax.lexbor import LexborHTMLParser

        html = client.get("/login").get_data(as_text=True)
        csrf = LexborHTMLParser(html).css_first('input[name="csrf_token"]').attributes["value"]
        client.post("/login", data={"email": "bench0@example.org", "password": PASSWORD,
                                    "csrf_token": csrf})
        results = {}
        for name, path, headers in (("page", "/boost/", {}),
                                    ("api", "/api/v1/boost",
                                     {"Authorization": f"Bearer {token}"})):
            for _ in range(3):  # warm caches and the connection pool
                assert client.get(path, headers=headers).status_code == 200
            samples, cpu = [], []
            for _ in range(requests):
                started, cpu_started = time.perf_counter(), time.process_time()
                res = client.get(path, headers=headers)
                samples.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - cpu_started) * 1000)
                assert res.status_code == 200, res.status_code
            rows = res.get_data(as_text=True).count('class="boost-row') if name == "page" \
                else len(res.get_json()["diaries"])
            results[f"{name}_p50"] = statistics.median(samples)
            results[f"{name}_p95"] = _percentile(samples, 95)
            # CPU time of this process too: on a shared, busy machine wall time mostly
            # measures the other processes (the database server's own work is not in it).
            print(f"  {name:4} {path:16} p50 {results[f'{name}_p50']:6.1f} ms   "
                  f"p95 {results[f'{name}_p95']:6.1f} ms   (app CPU p95 "
                  f"{_percentile(cpu, 95):5.1f} ms; {rows} rows shown; load average "
                  f"{os.getloadavg()[0]:.1f})", flush=True)
        return results


def run_sqlite(requests: int) -> dict[str, float]:
    print("SQLite", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        engine = make_engine(url)
        upgrade(engine)
        _seed(engine)
        try:
            return _measure(engine, url, requests)
        finally:
            engine.dispose()


def run_postgres(requests: int) -> dict[str, float] | None:
    print("PostgreSQL", flush=True)
    schema = f"bench_dashboard_{os.getpid()}"
    admin = make_engine(PG_URL)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # noqa: BLE001 - report and carry on with SQLite's figures
        print(f"  skipped: PostgreSQL unreachable at {PG_URL}: {exc}".splitlines()[0])
        return None
    engine = make_engine(PG_URL, connect_args={"options": f"-csearch_path={schema}"})
    try:
        upgrade(engine)
        _seed(engine)
        return _measure(engine, str(engine.url), requests)
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def main() -> None:
    if "--load" in sys.argv[1:]:
        import dashboard_load  # its own options (and --help)

        dashboard_load.main([a for a in sys.argv[1:] if a != "--load"])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--load", action="store_true",
                        help="many users against run.py web on PostgreSQL; --load --help "
                             "for its options (bench/dashboard_load.py)")
    args = parser.parse_args()
    lite = run_sqlite(args.requests)
    pg = None if args.skip_postgres else run_postgres(args.requests)

    def fmt(results, key):
        return "n/a" if results is None else f"{results[key]:.1f}"

    print(f"RESULT sqlite_page_p95_ms={fmt(lite, 'page_p95')} "
          f"sqlite_api_p95_ms={fmt(lite, 'api_p95')} "
          f"postgres_page_p95_ms={fmt(pg, 'page_p95')} "
          f"postgres_api_p95_ms={fmt(pg, 'api_p95')}")


if __name__ == "__main__":
    main()
