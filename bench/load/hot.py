#!/usr/bin/env python3
"""Where the server's time per request goes: the load test's requests replayed in-process.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/load_x .venv/bin/python bench/load/hot.py \
        --meetings 4 [--cprofile 25]

Makes a small cast with `bench/load/setup.py` (its own plan file), then, with Django's test
Client through the whole middleware stack (production settings: no DEBUG, a kept connection),
records --meetings meetings as `locustfile.MinuteTaker` does (autosaves with panel=0, the checks
panel after each part), opens the committee dashboards and the members' pages, and prints per
kind of request: count, median and p95 wall ms, median CPU ms of this process, and queries.
--cprofile N prints cProfile's N most expensive functions (cumulative) per kind."""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import re
import secrets
import statistics
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).absolute().parents[2]
HERE = Path(__file__).absolute().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))  # run.named_cpu


def main(argv=None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--meetings", type=int, default=4)
    p.add_argument("--staff", type=int, default=4)
    p.add_argument("--members", type=int, default=8)
    p.add_argument("--cprofile", type=int, default=0, metavar="N")
    p.add_argument("--only", default="", help="profile only the kinds whose name contains this")
    p.add_argument("--postgres-cpu", action="store_true",
                   help="also the CPU the machine's postgres processes spent per request (mean ms; an idle machine)")
    p.add_argument("--show", default="", help="print the SQL of the first request of this kind")
    p.add_argument("--out", default=str(ROOT / "bench/out/load/profile-plan.json"))
    args = p.parse_args(argv)
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.update({"ALLOWED_HOSTS": "testserver", "SECURE_SSL_REDIRECT": "0", "SESSION_COOKIE_SECURE": "0",
                       "CSRF_COOKIE_SECURE": "0"})
    os.environ.setdefault("DB_CONN_MAX_AGE", "60")
    for key in ("CHIBO_DEV", "DEBUG"):
        os.environ.pop(key, None)
    subprocess.run([sys.executable, str(HERE / "setup.py"), "--cells", str(args.meetings), "--staff",
                    str(args.staff), "--members", str(args.members), "--seed", str(int(time.time())),
                    "--out", args.out], check=True, cwd=ROOT)
    os.environ["DJANGO_SETTINGS_MODULE"] = "chibo.settings"
    import django

    django.setup()
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    plan = json.loads(Path(args.out).read_text())
    stats: dict[str, list[tuple[float, float, int, float]]] = defaultdict(list)
    profiles: dict[str, cProfile.Profile] = {}

    def postgres_cpu() -> float:
        """CPU seconds of the machine's postgres processes (run.named_cpu), when --postgres-cpu."""
        if not args.postgres_cpu:
            return 0.0
        from run import named_cpu

        return named_cpu("postgres")

    def hit(client, method, path, name, data=None):
        profiler = None
        if args.cprofile and args.only in name:
            profiler = profiles.setdefault(name, cProfile.Profile())
        with CaptureQueriesContext(connection) as queries:
            p0 = postgres_cpu()
            c0, t0 = time.process_time(), time.perf_counter()
            if profiler:
                profiler.enable()
            if method == "GET":
                response = client.get(path)
            else:
                response = client.post(path, data, HTTP_X_CSRFTOKEN=client.csrf)
            if profiler:
                profiler.disable()
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            pg = postgres_cpu() - p0
        if response.status_code not in (200, 302):
            print(name, path, response.status_code, response.content[:300], file=sys.stderr)
        if args.show and name == args.show and not stats[name]:
            for q in queries.captured_queries:
                print(f"{q['time']:>6} {q['sql'][:300]}")
        stats[name].append((wall * 1000, cpu * 1000, len(queries), pg * 1000))
        reset_queries()
        return response

    shared = Client().handler  # one handler, as a server's worker: the middleware (WhiteNoise's scan) loaded once

    def client_for(session):
        client = Client()
        client.handler = shared
        client.csrf = secrets.token_hex(16)
        client.cookies["sessionid"] = session
        client.cookies["csrftoken"] = client.csrf
        return client

    for meeting in plan["meetings"]:
        c = client_for(meeting["session"])
        base = f"/sinh-hoat/{meeting['ident']}/"
        roll, excused = meeting["roll"], set(meeting["excused"])
        attending = [m for m in roll if m not in excused]
        hit(c, "GET", base, "meeting page")
        page = hit(c, "GET", base + "ghi/", "recording page")
        version = int(re.search(r'<div id="rec"[^>]*?data-version="(\d+)"', page.content.decode(), re.S)[1])

        def field(name, value, c=c, base=base):
            nonlocal version
            r = hit(c, "POST", base + "ghi/thong-tin/", "record: header field",
                    {"field": name, "value": value, "version": version, "was": "", "panel": "0"})
            version = r.json().get("version", version)

        field("start", "19:30")
        field("place", "Nhà văn hóa")
        field("chair", attending[0])
        field("secretary", attending[1])
        hit(c, "GET", base + "ghi/kiem-tra/", "record: checks panel")
        for code in roll:
            status = "absent_excused" if code in excused else "present"
            hit(c, "POST", base + "ghi/diem-danh/", "record: roll mark",
                {"member": code, "status": status, "reason": "Đi vắng" if code in excused else "", "version": 0,
                 "panel": "0"})
        hit(c, "GET", base + "ghi/kiem-tra/", "record: checks panel")
        agenda = meeting["agenda"] or [""]
        for n in range(3):
            hit(c, "POST", base + "ghi/phat-bieu/", "record: speech",
                {"key": str(uuid.uuid4()), "version": 0, "member": attending[(n + 2) % len(attending)],
                 "item": agenda[n % len(agenda)], "summary": f"Ý kiến {n}", "panel": "0"})
        hit(c, "POST", base + "ghi/bieu-quyet/", "record: vote",
            {"key": str(uuid.uuid4()), "version": 0, "kind": "resolution", "method": "show_of_hands",
             "subject": "Thông qua", "votes_for": len(attending) // 2 + 1, "votes_against": 0, "votes_abstain": 0,
             "votes_invalid": 0, "panel": "0"})
        day = meeting["date"]
        for n in range(2):
            hit(c, "POST", base + "ghi/nhiem-vu/", "record: task",
                {"key": str(uuid.uuid4()), "version": 0, "assignee": attending[n], "description": f"Nhiệm vụ {n}",
                 "due": f"2{n}/{day[5:7]}/{day[0:4]}", "panel": "0"})
        hit(c, "GET", base + "ghi/kiem-tra/", "record: checks panel")
        field("conclusion", "Thống nhất.")
        field("resolution_text", "Nghị quyết.")
        field("end", "21:00")
        hit(c, "GET", base + "hoan-tat/", "finalize page")
        hit(c, "POST", base + "hoan-tat/", "finalize", {"confirm": "1"})
        hit(c, "GET", base, "meeting page")
    for _round in range(2):
        for staff in plan["staff"]:
            hit(client_for(staff["session"]), "GET", f"/to-chuc/{staff['org']}/bang-theo-doi/", "dashboard")
        for member in plan["members"]:
            hit(client_for(member["session"]), "GET", "/cua-toi/", "member page")
    hit(client_for(""), "GET", "/healthz", "healthz")

    pg_head = f"{'pg cpu avg':>11}" if args.postgres_cpu else ""
    print(f"\n{'request':<24}{'count':>6}{'wall p50':>10}{'wall p95':>10}{'cpu p50':>9}{'queries':>9}{pg_head}")
    for name, rows in stats.items():
        walls = sorted(r[0] for r in rows)
        pg = f"{statistics.mean(r[3] for r in rows):>11.1f}" if args.postgres_cpu else ""
        print(f"{name:<24}{len(rows):>6}{statistics.median(walls):>10.1f}{walls[int(len(walls) * 0.95)]:>10.1f}"
              f"{statistics.median(r[1] for r in rows):>9.1f}{statistics.median(r[2] for r in rows):>9.0f}{pg}")
    for name, profiler in profiles.items():
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(args.cprofile)
        print(f"\n=== {name}\n" + "\n".join(out.getvalue().splitlines()[6:]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
