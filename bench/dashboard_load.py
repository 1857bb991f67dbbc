"""Boost today under load: many teammates at once against the production web server.

A PostgreSQL database of its own (``dashbench`` on the local server; never the tests'
``test`` database) holds 1,000,000 diaries and 20,000,000 metric rows over 20 sites, of
which 4,000 are live (young, on health care, counted lately). It is filled by server-side
SQL (INSERT … SELECT generate_series, indexes built after the load) once and reused: a
marker table holds the parameters it was built with; ``--rebuild`` fills it again. On
reuse the young part (diaries of the last 72 h, their metrics, the team's log) is moved
forward to the present, so the board sees live diaries whenever the bench runs.

Then ``run.py web --workers 4`` (gunicorn, REDIS_URL set) serves it and 20 logged-in
teammates use it in a closed loop (each sends a request, waits for the answer, sends the
next): Boost today (GET /boost/), the JSON API (GET /api/v1/boost) and the page's own poll
(GET /boost/live with the ETag it was last given, as static/board_live.js does). As in a
browser, each teammate's tab sends its presence heartbeat every minute, so all 20 are
online and the push plan shares recommends among them; one teammate logs a recommend
every ACTION_EVERY seconds and a counts round stores new counts for 40 live diaries every
COUNTS_EVERY seconds, so the board's inputs change during the run as they do in use.

The client runs on the same machine (the same 2 cores) as the server and the database.
Prints the fill's timings, per-request-kind p50/p95 and the rate; the last line:

    RESULT load_page_p95_ms=… load_api_p95_ms=… load_rps=…

(``api`` is GET /api/v1/boost; /boost/live is printed on its own line.)

Run: .venv/bin/python bench/dashboard.py --load [--rebuild] [--duration 60] [--users 20]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from models import make_engine, make_session_factory  # noqa: E402
from models.migrate import upgrade  # noqa: E402

PG_SERVER = os.environ.get("BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432")
DATABASE = "dashbench"
PARAMS = {"diaries": 1_000_000, "metrics": 20_000_000, "live": 4_000, "young_off_topic": 2_000,
          "sites": 20, "teammates": 30, "format": 1}
PASSWORD = "bench password 123"
REDIS_DB = 13
ACTION_EVERY = 10.0  # seconds between two logged recommends, team-wide
COUNTS_EVERY = 30.0  # seconds between two counts rounds
HEARTBEAT_EVERY = 60.0  # static/boost.js


def _say(message: str) -> None:
    print(message, flush=True)


# The database --------------------------------------------------------------------------

def database_url() -> str:
    return f"{PG_SERVER}/{DATABASE}"


def ensure_database() -> None:
    admin = make_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            if conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :d"),
                           {"d": DATABASE}) is None:
                conn.execute(text(f'CREATE DATABASE "{DATABASE}"'))
    finally:
        admin.dispose()


def _marker(engine) -> dict | None:
    with engine.connect() as conn:
        exists = conn.scalar(text("SELECT to_regclass('bench_marker')"))
        if exists is None:
            return None
        row = conn.execute(text("SELECT params, built_now FROM bench_marker")).first()
    if row is None:
        return None
    return {"params": json.loads(row.params), "built_now": row.built_now}


def prepare(rebuild: bool) -> datetime:
    """Fill the database (or reuse it); returns the "now" its live part is aligned to."""
    ensure_database()
    engine = make_engine(database_url())
    try:
        marker = _marker(engine)
        if marker is not None and marker["params"] == PARAMS and not rebuild:
            _say(f"  reusing {DATABASE} (built for {marker['built_now']:%Y-%m-%d %H:%M} UTC)")
            upgrade(engine)  # the migrations may have moved on since the build
            return rebase(engine, marker["built_now"])
        fill(engine)
        return _marker(engine)["built_now"]
    finally:
        engine.dispose()


def _timed(conn, label: str, sql: str, **params) -> None:
    started = time.perf_counter()
    result = conn.execute(text(sql), params)
    rows = f" ({result.rowcount:,} rows)" if result.rowcount and result.rowcount > 0 else ""
    _say(f"    {label:<38} {time.perf_counter() - started:7.1f} s{rows}")


def _saved_indexes(conn, table: str) -> tuple[list[str], list[tuple[str, str]]]:
    """The table's secondary indexes and its constraints (but NOT NULL / CHECK), to drop
    before a bulk load and build once after it: far faster than row by row."""
    indexes = [r[0] for r in conn.execute(text(
        "SELECT indexdef FROM pg_indexes WHERE tablename = :t AND indexname NOT IN "
        "(SELECT conname FROM pg_constraint WHERE conrelid = CAST(:t AS regclass))"),
        {"t": table})]
    constraints = [(r[0], r[1]) for r in conn.execute(text(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = CAST(:t AS regclass) AND contype IN ('p', 'u', 'f') "
        "ORDER BY contype = 'f', contype = 'u'"), {"t": table})]
    return indexes, constraints


def _drop(conn, table: str, indexes, constraints) -> None:
    for name, _ in reversed(constraints):
        conn.execute(text(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"'))
    for definition in indexes:
        name = re.search(r"INDEX (\S+) ON", definition).group(1)
        conn.execute(text(f"DROP INDEX {name}"))


def _restore(conn, table: str, indexes, constraints) -> None:
    for name, definition in constraints:
        _timed(conn, f"{table}: {name}", f'ALTER TABLE {table} ADD CONSTRAINT "{name}" '
                                        f"{definition}")
    for definition in indexes:
        _timed(conn, re.search(r"INDEX (\S+) ON", definition).group(1), definition)


def fill(engine) -> None:
    p = PARAMS
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    live_from = p["diaries"] - p["live"] + 1
    young_from = live_from - p["young_off_topic"]
    _say(f"  filling {DATABASE}: {p['diaries']:,} diaries, {p['metrics']:,} metric rows, "
         f"{p['live']:,} live over {p['sites']} sites")
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL synchronous_commit = off"))
        conn.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
        conn.execute(text("SELECT setseed(0.42)"))
        saved = {t: _saved_indexes(conn, t) for t in ("diaries", "diary_metrics")}
        _drop(conn, "diary_metrics", *saved["diary_metrics"])
        # Only the diaries' secondary indexes: other tables' keys point at its primary key.
        _drop(conn, "diaries", saved["diaries"][0], [])
        _timed(conn, "sites", """
            INSERT INTO sites (slug, name, base_url, platform, rec_slots, rec_half_life_hours,
                               rec_aging, rec_fallback_threshold, rec_window_hours,
                               comment_target, crosspost_window_hours, founded_on,
                               rec_list_checked_at, enabled, created_at)
            SELECT 'site' || lpad(g::text, 2, '0'), 'Site ' || g,
                   'https://site' || g || '.example', 'scoop', 8, 2.0, 'exp', 10.0, 24.0, 5,
                   48.0, DATE '2005-01-01', :now, true, :now
            FROM generate_series(1, :sites) g""", now=now, sites=p["sites"])
        # Old diaries over a year, then young off-topic ones, then the live ones (last ids).
        _timed(conn, "diaries", """
            INSERT INTO diaries (id, site_id, guid, url, title, author, published_at,
                                 summary_html, tags, topic_score, topic_terms, content_hash,
                                 first_seen_at, last_seen_at, crosspost_group_id, recommends,
                                 comments, counts_checked_at, counts_read_at, on_rec_list)
            SELECT g, 1 + g % :sites, 'guid-' || g, 'https://site' || (1 + g % :sites)
                   || '.example/story/' || g, 'Diary ' || g || ' on health care',
                   'author' || (g % 3000), pub, '<p>summary</p>', '[]', topic,
                   CAST(CASE WHEN topic > 0 THEN '["single payer"]' ELSE '[]' END AS json),
                   md5(g::text),
                   pub, pub, NULL, recs, recs / 2, least(pub + interval '1 day', :now),
                   least(pub + interval '1 day', :now), false
            FROM (SELECT g,
                    CASE WHEN g >= :live_from THEN :now - random() * interval '48 hours'
                         WHEN g >= :young_from THEN :now - random() * interval '48 hours'
                         ELSE :now - interval '49 hours' - random() * interval '364 days'
                    END AS pub,
                    CASE WHEN g >= :live_from THEN round((0.5 + random() * 7.5)::numeric, 2)
                         WHEN g >= :young_from THEN 0
                         WHEN random() < 0.35 THEN round((0.5 + random() * 7.5)::numeric, 2)
                         ELSE 0 END AS topic,
                    floor(random() * 200)::int AS recs
                  FROM generate_series(1, :n) g) d""",
               sites=p["sites"], now=now, live_from=live_from, young_from=young_from,
               n=p["diaries"])
        # Live counts: a heavy-tailed final count, front-loaded over the first hours.
        _timed(conn, "live counts", """
            UPDATE diaries SET recommends = c.now_recs, comments = c.now_recs / 2,
                   counts_checked_at = :now - random() * interval '10 minutes',
                   counts_read_at = :now - random() * interval '10 minutes'
            FROM (SELECT id, floor(least(3 * power(random(), -1 / 1.3), 400)
                                   * (1 - exp(-extract(epoch FROM :now - published_at)
                                              / 10800)))::int AS now_recs
                  FROM diaries WHERE id >= :live_from) c
            WHERE diaries.id = c.id""", now=now, live_from=live_from)
        _timed(conn, "cross-post pairs", """
            UPDATE diaries SET crosspost_group_id = id - (id - :live_from) % 2
            WHERE id >= :live_from AND id < :live_from + 60""", live_from=live_from)
        # Each site's rec list: its 8 live diaries with the best aged score.
        _timed(conn, "rec lists", """
            UPDATE diaries SET on_rec_list = true WHERE id IN (
              SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY site_id ORDER BY
                  recommends * exp(-extract(epoch FROM :now - published_at) / 7200 * ln(2))
                  DESC) AS rank FROM diaries WHERE id >= :live_from) r WHERE rank <= 8)""",
               now=now, live_from=live_from)
        # Live metrics as the store keeps them (a row when counts move, or hourly): one at
        # 10 min, then every 2 h inside the 24 h window, and the latest read.
        _timed(conn, "live metrics", """
            INSERT INTO diary_metrics (id, diary_id, observed_at, recommends, comments)
            SELECT row_number() OVER (), id, at, r, r / 2 FROM (
              SELECT d.id, d.published_at + interval '10 minutes' + k * interval '2 hours' AS at,
                     floor(d.recommends * (1 - exp(-(1 / 6.0 + 2 * k) / 3))
                           / greatest(1 - exp(-extract(epoch FROM :now - d.published_at)
                                                / 10800), 0.01))::int AS r
              FROM diaries d, generate_series(0, 11) k
              WHERE d.id >= :live_from
                AND d.published_at + interval '10 minutes' + k * interval '2 hours'
                    < least(:now - interval '10 minutes', d.published_at + interval '24 hours')
              UNION ALL
              SELECT id, counts_read_at, recommends FROM diaries
              WHERE id >= :live_from AND published_at > :now - interval '24 hours') m""",
               now=now, live_from=live_from)
        live_metrics = conn.scalar(text("SELECT count(*) FROM diary_metrics"))
        old = live_from - 1
        rest = p["metrics"] - live_metrics
        per, extra = divmod(rest, old)
        _timed(conn, "old metrics", """
            INSERT INTO diary_metrics (id, diary_id, observed_at, recommends, comments)
            SELECT :base + row_number() OVER (), d.id,
                   d.published_at + k * interval '20 minutes',
                   d.recommends * k / (:per + 1), d.comments * k / (:per + 1)
            FROM diaries d
            CROSS JOIN LATERAL generate_series(1, :per + CASE WHEN d.id <= :extra THEN 1
                                                              ELSE 0 END) k
            WHERE d.id <= :old""", base=live_metrics, per=per, extra=extra, old=old)
        conn.execute(text("SELECT setval(pg_get_serial_sequence('diaries', 'id'), :n)"),
                     {"n": p["diaries"]})
        conn.execute(text("SELECT setval(pg_get_serial_sequence('diary_metrics', 'id'), :n)"),
                     {"n": p["metrics"]})
        _restore(conn, "diaries", saved["diaries"][0], [])
        _restore(conn, "diary_metrics", *saved["diary_metrics"])
    _teammates(engine, now)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        _timed(conn, "vacuum analyze", "VACUUM ANALYZE")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE bench_marker (params text NOT NULL, "
                          "built_now timestamptz NOT NULL)"))
        conn.execute(text("INSERT INTO bench_marker VALUES (:p, :now)"),
                     {"p": json.dumps(PARAMS, sort_keys=True), "now": now})
        counts = conn.execute(text(
            "SELECT (SELECT count(*) FROM diaries), (SELECT count(*) FROM diary_metrics)")).one()
    _say(f"  filled in {time.perf_counter() - started:.1f} s: {counts[0]:,} diaries, "
         f"{counts[1]:,} metric rows")


def _teammates(engine, now: datetime) -> None:
    """30 teammates (the first 20 log in during the run), a shift, and the team's log of
    the last day on a third of the live diaries."""
    from app.accounts.users import create_user
    from models import Shift, ShiftAssignment

    started = time.perf_counter()
    sessions = make_session_factory(engine)
    with sessions() as s:
        users = [create_user(s, email=f"load{i}@example.org", password=PASSWORD,
                             display_name=f"Load {i}") for i in range(PARAMS["teammates"])]
        s.flush()
        shift = Shift(site_id=1, starts_at=now - timedelta(hours=1),
                      ends_at=now + timedelta(days=3650), focus="recommend")
        s.add(shift)
        s.flush()
        for u in users[:5]:
            s.add(ShiftAssignment(shift_id=shift.id, user_id=u.id))
        s.commit()
    with engine.begin() as conn:
        conn.execute(text("SELECT setseed(0.7)"))
        conn.execute(text("""
            INSERT INTO actions (user_id, diary_id, kind, target_site_id, at)
            SELECT DISTINCT ON (u, d.id) u, d.id, 'recommend', d.site_id,
                   greatest(d.published_at, :now - random() * interval '3 hours')
            FROM diaries d, LATERAL (SELECT (SELECT min(id) FROM users)
                                            + floor(random() * :team)::int + 0 * d.id AS u
                                     FROM generate_series(1, 3)) t
            WHERE d.id >= :live_from AND d.id % 3 = 0"""),
                     {"now": now, "team": PARAMS["teammates"],
                      "live_from": PARAMS["diaries"] - PARAMS["live"] + 1})
    _say(f"    {'teammates, shift, team log':<38} {time.perf_counter() - started:7.1f} s")


def rebase(engine, built_now: datetime) -> datetime:
    """Move the young part forward so it is young now: diaries of the 72 h before the
    build, their metrics, the team's log, the rec lists' check times and the shift."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    delta = now - built_now
    if delta < timedelta(minutes=1):
        return built_now
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(text("CREATE TEMP TABLE young ON COMMIT DROP AS SELECT id FROM diaries "
                          "WHERE published_at >= :since"),
                     {"since": built_now - timedelta(hours=72)})
        conn.execute(text("ANALYZE young"))
        conn.execute(text("""
            UPDATE diaries SET published_at = published_at + :d, first_seen_at = first_seen_at
                   + :d, last_seen_at = last_seen_at + :d, counts_checked_at =
                   counts_checked_at + :d, counts_read_at = counts_read_at + :d
            WHERE id IN (SELECT id FROM young)"""), {"d": delta})
        conn.execute(text("UPDATE diary_metrics SET observed_at = observed_at + :d "
                          "WHERE diary_id IN (SELECT id FROM young)"), {"d": delta})
        conn.execute(text("UPDATE actions SET at = at + :d"), {"d": delta})
        conn.execute(text("UPDATE sites SET rec_list_checked_at = :now"), {"now": now})
        conn.execute(text("UPDATE shifts SET starts_at = starts_at + :d"), {"d": delta})
        conn.execute(text("UPDATE users SET last_seen_at = NULL"))
        conn.execute(text("UPDATE bench_marker SET built_now = :now"), {"now": now})
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE diaries, diary_metrics, actions"))
    _say(f"  moved the young part forward by {delta} in "
         f"{time.perf_counter() - started:.1f} s")
    return now


# The server -----------------------------------------------------------------------------

def start_server(port: int, workers: int, tmp: str, log_path: Path,
                 app_dir: Path = ROOT) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE", "REDIS"))}
    env.update(DATABASE_URL=database_url(), REDIS_URL=f"redis://127.0.0.1:6379/{REDIS_DB}",
               SECRET_KEY="bench-load-secret-key-1234567890", INSTANCE_PATH=tmp,
               SCHEDULER_ENABLED="0", BASE_URL=f"http://127.0.0.1:{port}")
    log = open(log_path, "wb")  # noqa: SIM115 - closed with the process
    server = subprocess.Popen(
        [sys.executable, str(app_dir / "run.py"), "web", "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}"], cwd=app_dir, env=env, stdout=log, stderr=log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"run.py web exited: see {log_path}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/login")
            if conn.getresponse().status == 200:
                conn.close()
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("run.py web did not answer within 60 s")


def _flush_redis() -> None:
    import redis

    redis.Redis.from_url(f"redis://127.0.0.1:6379/{REDIS_DB}").flushdb()


# The teammates --------------------------------------------------------------------------

CSRF = re.compile(r'(?:name="csrf_token"[^>]*?value|data-csrf)="([^"]+)"')


class Teammate:
    """One logged-in browser tab and its API client, on one keep-alive connection."""

    def __init__(self, port: int, email: str, token: str):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}
        self.token = token
        self.etag: str | None = None
        self.csrf = ""
        self._login(email)

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict | None = None) -> tuple[int, bytes, http.client.HTTPResponse]:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.conn.request(method, path, body=body, headers=headers)
            res = self.conn.getresponse()
        except (http.client.RemoteDisconnected, ConnectionError):
            # The server closed an idle keep-alive connection: a browser opens another.
            self.conn.close()
            self.conn.request(method, path, body=body, headers=headers)
            res = self.conn.getresponse()
        data = res.read()
        for value in res.headers.get_all("Set-Cookie") or ():
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return res.status, data, res

    def _login(self, email: str) -> None:
        _, html, _ = self.request("GET", "/login")
        csrf = CSRF.search(html.decode()).group(1)
        form = urlencode({"email": email, "password": PASSWORD, "csrf_token": csrf}).encode()
        status, _, _ = self.request("POST", "/login", form,
                                    {"Content-Type": "application/x-www-form-urlencoded"})
        if status not in (302, 303):
            raise SystemExit(f"login of {email} failed: {status}")

    def page(self) -> int:
        status, html, _ = self.request("GET", "/boost/")
        found = CSRF.search(html.decode())
        if found:
            self.csrf = found.group(1)
        return status

    def api(self) -> int:
        return self.request("GET", "/api/v1/boost",
                            headers={"Authorization": f"Bearer {self.token}"})[0]

    def live(self) -> int:
        headers = {"If-None-Match": self.etag} if self.etag else {}
        status, _, res = self.request("GET", "/boost/live", headers=headers)
        self.etag = res.headers.get("ETag") or self.etag
        return status

    def heartbeat(self) -> int:
        form = urlencode({"csrf_token": self.csrf}).encode()
        return self.request("POST", "/boost/presence", form,
                            {"Content-Type": "application/x-www-form-urlencoded"})[0]

    def recommend(self, diary_id: int) -> int:
        form = urlencode({"kind": "recommend", "csrf_token": self.csrf}).encode()
        return self.request("POST", f"/diaries/{diary_id}/actions", form,
                            {"Content-Type": "application/x-www-form-urlencoded",
                             "X-Requested-With": "fetch"})[0]


def _tokens(count: int) -> list[str]:
    from app.accounts.users import find_user, issue_api_token

    engine = make_engine(database_url())
    try:
        with make_session_factory(engine)() as s:
            tokens = [issue_api_token(s, find_user(s, f"load{i}@example.org"))
                      for i in range(count)]
            s.commit()
        return tokens
    finally:
        engine.dispose()


def _live_ids() -> list[int]:
    engine = make_engine(database_url())
    try:
        with engine.connect() as conn:
            return list(conn.scalars(text(
                "SELECT id FROM diaries WHERE id > :from ORDER BY id"),
                {"from": PARAMS["diaries"] - PARAMS["live"]}))
    finally:
        engine.dispose()


def counts_round(sessions, ids: list[int], rng: random.Random) -> None:
    """What a counts poll stores: new counts for some live diaries, through the store."""
    from scrapers.store import record_counts
    from scrapers.types import DiaryCounts

    now = datetime.now(UTC)
    with sessions() as s:
        for diary_id in rng.sample(ids, 40):
            recs = s.scalar(text("SELECT recommends FROM diaries WHERE id = :i"), {"i": diary_id})
            grown = (recs or 0) + rng.randint(0, 3)
            record_counts(s, diary_id, DiaryCounts(recommends=grown, comments=grown // 2), now)
        s.commit()


def _cpu_seconds(pids) -> float:
    """User + system CPU time of these processes so far (Linux /proc)."""
    total = 0
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def _server_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [master, *map(int, children.read_text().split())] if children.exists() else [master]


def _database_pids() -> list[int]:
    engine = make_engine(database_url())
    try:
        with engine.connect() as conn:
            return list(conn.scalars(text(
                "SELECT pid FROM pg_stat_activity WHERE datname = :d "
                "AND pid <> pg_backend_pid()"), {"d": DATABASE}))
    finally:
        engine.dispose()


class CpuMeter:
    """CPU spent by the web workers, the database and this client over the measured
    window: on a shared machine wall times mostly measure the neighbours, CPU per request
    does not."""

    def __init__(self, server_pid: int):
        self.server_pid = server_pid

    def _now(self) -> tuple[float, dict[int, float], float]:
        times = os.times()
        return (_cpu_seconds(_server_pids(self.server_pid)),
                {pid: _cpu_seconds([pid]) for pid in _database_pids()},
                times.user + times.system)

    def start(self) -> None:
        self.begin = self._now()

    def stop(self) -> dict[str, float]:
        end = self._now()
        # Backends that came and went in between are not counted; new ones from zero.
        database = sum(cpu - self.begin[1].get(pid, 0.0) for pid, cpu in end[1].items())
        return {"web": end[0] - self.begin[0], "database": database,
                "client": end[2] - self.begin[2]}


def run_load(port: int, users: int, duration: float, warmup: float,
             meter: CpuMeter | None = None) -> dict:
    tokens = _tokens(users)
    live_ids = _live_ids()
    mates = [Teammate(port, f"load{i}@example.org", tokens[i]) for i in range(users)]
    for m in mates:
        m.page()
        m.heartbeat()
    samples: dict[str, list[float]] = {"page": [], "api": [], "live": []}
    errors: list[str] = []
    lock = threading.Lock()
    start = time.monotonic()
    measure_from, stop_at = start + warmup, start + warmup + duration
    counters = {"actions": 0, "counts_rounds": 0}

    def user_loop(n: int, mate: Teammate) -> None:
        rng = random.Random(n)
        kinds = ["page", "api", "live"]
        rng.shuffle(kinds)
        next_beat = time.monotonic() + rng.uniform(0, HEARTBEAT_EVERY)
        i = 0
        while (now := time.monotonic()) < stop_at:
            if now >= next_beat:
                mate.heartbeat()
                next_beat += HEARTBEAT_EVERY
            kind = kinds[i % 3]
            i += 1
            began = time.perf_counter()
            status = getattr(mate, kind)()
            took = (time.perf_counter() - began) * 1000
            if status not in (200, 304):
                with lock:
                    errors.append(f"{kind} {status}")
            if now >= measure_from and time.monotonic() <= stop_at:
                with lock:
                    samples[kind].append(took)

    def team_loop() -> None:
        # A teammate logs a recommend now and then; a counts round stores new counts.
        rng = random.Random(99)
        engine = make_engine(database_url())
        sessions = make_session_factory(engine)
        next_action = time.monotonic() + ACTION_EVERY
        next_counts = time.monotonic() + COUNTS_EVERY / 2
        actor = Teammate(port, f"load{users}@example.org", "")
        actor.page()
        while time.monotonic() < stop_at:
            now = time.monotonic()
            if now >= next_action:
                actor.recommend(rng.choice(live_ids))
                counters["actions"] += 1
                next_action += ACTION_EVERY
            if now >= next_counts:
                counts_round(sessions, live_ids, rng)
                counters["counts_rounds"] += 1
                next_counts += COUNTS_EVERY
            time.sleep(0.2)
        engine.dispose()

    threads = [threading.Thread(target=user_loop, args=(n, m)) for n, m in enumerate(mates)]
    threads.append(threading.Thread(target=team_loop))
    for t in threads:
        t.start()
    cpu = None
    if meter is not None:
        time.sleep(max(measure_from - time.monotonic(), 0))
        meter.start()
        time.sleep(max(stop_at - time.monotonic(), 0))
        cpu = meter.stop()
    for t in threads:
        t.join()
    total = sum(len(v) for v in samples.values())
    return {"samples": samples, "rps": total / duration, "errors": errors, "cpu": cpu,
            "requests": total, **counters}


def _pct(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="dashboard.py --load", description=__doc__
                                     .splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help="fill the database again")
    parser.add_argument("--duration", type=float, default=60.0, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=10.0)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=5391)
    parser.add_argument("--fill-only", action="store_true")
    parser.add_argument("--app-dir", type=Path, default=ROOT,
                        help="serve another checkout (e.g. the code before a change)")
    args = parser.parse_args(argv)
    _say("PostgreSQL load database")
    prepare(args.rebuild)
    if args.fill_only:
        return
    _flush_redis()
    with tempfile.TemporaryDirectory() as tmp:
        log_path = Path(tmp) / "web.log"
        _say(f"run.py web --workers {args.workers}; {args.users} teammates, closed loop, "
             f"{args.warmup:g} s warm-up then {args.duration:g} s measured")
        server = start_server(args.port, args.workers, tmp, log_path, args.app_dir)
        try:
            result = run_load(args.port, args.users, args.duration, args.warmup,
                              CpuMeter(server.pid))
        finally:
            server.terminate()
            server.wait(timeout=30)
        errors = result["errors"]
        if errors:
            _say(f"  {len(errors)} failed requests, e.g. {errors[:3]}; server log tail:")
            _say(log_path.read_text(errors="replace")[-2000:])
    s = result["samples"]
    for kind, path in (("page", "/boost/"), ("api", "/api/v1/boost"), ("live", "/boost/live")):
        if s[kind]:
            _say(f"  {kind:4} {path:14} n={len(s[kind]):5}  p50 {statistics.median(s[kind]):7.1f}"
                 f" ms  p95 {_pct(s[kind], 95):7.1f} ms  max {max(s[kind]):7.1f} ms")
    _say(f"  {result['rps']:.1f} requests/s; {result['actions']} recommends logged and "
         f"{result['counts_rounds']} counts rounds during the run; load average "
         f"{os.getloadavg()[0]:.1f}")
    cpu, n = result["cpu"], max(result["requests"], 1)
    if cpu:
        per = {k: 1000 * v / n for k, v in cpu.items()}
        whole = sum(per.values())
        _say(f"  CPU per request: web {per['web']:.1f} ms, PostgreSQL {per['database']:.1f} ms,"
             f" client {per['client']:.1f} ms (all {whole:.1f} ms): on 2 otherwise idle cores"
             f" at most ~{2000 / whole:.0f} requests/s")
    page = f"{_pct(s['page'], 95):.1f}" if s["page"] else "n/a"
    api = f"{_pct(s['api'], 95):.1f}" if s["api"] else "n/a"
    print(f"RESULT load_page_p95_ms={page} load_api_p95_ms={api} load_rps={result['rps']:.1f}")


if __name__ == "__main__":
    main()
