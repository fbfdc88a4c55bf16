#!/usr/bin/env python3
"""The load test of the evening of the 3rd, start to end, on a database that holds a province.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/load_x .venv/bin/python bench/load/run.py \
        --users 200 --run-time 60s --think 1 --workers 5

1. `bench/load/setup.py`: the logins, their sessions and one new meeting per minute-taker's
   cell (--cells, default: enough for every minute-taker to record a meeting every ~40 s);
2. `chibo serve` (gunicorn: --workers, --threads; the environment of a production install on
   plain HTTP, `--env KEY=VALUE` for more, e.g. `--env DB_CONN_MAX_AGE=0`) on 127.0.0.1;
3. locust, headless, bounded by --run-time: minute-takers, committee staff and members
   (`locustfile.py`), then the floor: the same number of users and pace on `/healthz`;
4. the server stopped, `bench/load/verify.py`: the rows in the database against the writes the
   server acknowledged.

Prints requests per second, p50/p95/p99 and errors per kind of request, the floor, the lost
writes, the load average of the machine before and after, the server's settings, and the quality
bar (>= 200 requests/s overall, p95 < 150 ms, 0 errors, 0 lost writes); writes everything to
--out (summary.json, locust's CSV files, the server's log). Exit 1 on an error or a lost write
(and with --strict when the bar is not met)."""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).absolute().parents[2]  # not resolve(): a symlinked checkout runs its own code
HERE = Path(__file__).absolute().parent
BAR = {"rps": 200.0, "p95_ms": 150.0}
#: What a production install sets, on plain HTTP over the loopback (no TLS proxy in front).
SERVER_ENV = {"ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "0", "SESSION_COOKIE_SECURE": "0",
              "CSRF_COOKIE_SECURE": "0"}
MAIN_USERS = ["MinuteTaker", "CommitteeStaff", "Member"]


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--users", type=int, default=200, help="simultaneous users (6 minute-takers : 1 staff : 3 members)")
    p.add_argument("--spawn-rate", type=float, default=50)
    p.add_argument("--run-time", default="60s", help="locust's --run-time, for the scenario and for the floor")
    p.add_argument("--think", type=float, default=1.0, help="mean seconds between two actions of a minute-taker")
    p.add_argument("--port", type=int, default=0, help="default: a free port")
    p.add_argument("--workers", type=int, default=None, help="gunicorn workers (chibo serve's default: one more than the CPUs)")
    p.add_argument("--threads", type=int, default=None, help="threads per worker (chibo serve's default: 4)")
    p.add_argument("--env", action="append", default=[], metavar="KEY=VALUE", help="more environment for the server")
    p.add_argument("--cells", type=int, default=None, help="meetings to record (default from users and run time)")
    p.add_argument("--staff", type=int, default=None)
    p.add_argument("--members", type=int, default=None)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--no-floor", action="store_true", help="skip the run against /healthz")
    p.add_argument("--celery", type=int, default=0, metavar="N",
                   help="also start a Celery worker of N processes on Redis (REDIS_URL, default "
                        "redis://127.0.0.1:6379/3), as production runs: the re-audits after saves go to it")
    p.add_argument("--collectstatic", action="store_true",
                   help="let chibo serve collect the static files first (needed once per checkout)")
    p.add_argument("--out", default=str(ROOT / "bench/out/load"))
    p.add_argument("--strict", action="store_true", help="exit 1 when the quality bar is not met")
    return p.parse_args(argv)


def seconds(run_time: str) -> float:
    units = {"s": 1, "m": 60, "h": 3600}
    return float(run_time[:-1]) * units[run_time[-1]] if run_time[-1] in units else float(run_time)


def pace_ceiling(users: int, think: float) -> float:
    """Requests per second the scenario's users ask for if every answer were instant: locust
    spawns them 6 : 1 : 3 (minute-takers, staff, members, the classes' weights), a minute-taker
    waits `think` seconds on average between two requests, staff and members 3 times as long
    (locustfile.py). The throughput can never exceed it: the bar needs it above 200."""
    return users * (0.6 / think + 0.4 / (3 * think))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url: str, server: subprocess.Popen, log: Path, timeout: float = 900) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"the server did not answer in {timeout:.0f} s:\n{log.read_text()[-3000:]}")
        time.sleep(0.5)


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a process and its descendants alive now (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    stats = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            stats[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
    todo, total = [pid], 0.0
    while todo:
        current = todo.pop()
        total += stats.get(current, (0, 0.0))[1]
        todo += [child for child, (parent, _cpu) in stats.items() if parent == current]
    return total


def named_cpu(name: str) -> float:
    """CPU seconds of the processes called `name` alive now, with their children that ended
    (PostgreSQL: the postmaster waits for its backends, so their CPU stays counted)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                head, rest = (entry / "stat").read_text().rsplit(")", 1)
            except OSError:
                continue
            if head.split("(", 1)[1] == name:
                fields = rest.split()
                total += sum(int(v) for v in fields[11:15]) / tick
    return total


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot (/proc/stat)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    tick = os.sysconf("SC_CLK_TCK")
    idle = values[3] + values[4]
    return (sum(values) - idle) / tick, sum(values) / tick


def measured(fn, server_pid: int, worker_pid: int | None = None) -> tuple[object, dict]:
    """fn() with the CPU it cost: the server's processes, the Celery worker's, PostgreSQL's (every
    postgres process of the machine), the load generator (children of this process waited for),
    the whole machine (every process, the other sessions' included)."""
    import resource

    s0, m0, p0 = tree_cpu(server_pid), machine_busy(), named_cpu("postgres")
    w0 = tree_cpu(worker_pid) if worker_pid else 0.0
    r0, t0 = resource.getrusage(resource.RUSAGE_CHILDREN), time.monotonic()
    result = fn()
    r1, t1 = resource.getrusage(resource.RUSAGE_CHILDREN), time.monotonic()
    s1, m1, p1 = tree_cpu(server_pid), machine_busy(), named_cpu("postgres")
    w1 = tree_cpu(worker_pid) if worker_pid else 0.0
    return result, {"wall_s": round(t1 - t0, 1), "server_cpu_s": round(s1 - s0, 1),
                    "worker_cpu_s": round(w1 - w0, 1), "postgres_cpu_s": round(p1 - p0, 1),
                    "locust_cpu_s": round(r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime, 1),
                    "machine_busy_s": round(m1[0] - m0[0], 1),
                    "machine_cores": round((m1[1] - m0[1]) / max(t1 - t0, 1e-9), 1)}


def locust(args, host: str, classes: list[str], prefix: Path, plan: Path, acks: Path | None) -> int:
    cmd = [sys.executable, "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless", "--host", host,
           "--users", str(args.users), "--spawn-rate", str(args.spawn_rate), "--run-time", args.run_time,
           "--think", str(args.think), "--plan", str(plan), "--acks", str(acks or ""), "--csv", str(prefix),
           "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "0", *classes]
    print("$", " ".join(cmd[1:]), flush=True)
    return subprocess.run(cmd, cwd=ROOT).returncode


def read_stats(prefix: Path) -> list[dict]:
    """Locust's CSV: one row per kind of request, then 'Aggregated'."""
    rows = []
    with open(f"{prefix}_stats.csv", newline="") as f:
        for row in csv.DictReader(f):
            rows.append({"name": row["Name"], "method": row["Type"], "requests": int(row["Request Count"]),
                         "failures": int(row["Failure Count"]), "rps": float(row["Requests/s"]),
                         "p50_ms": float(row["50%"] or 0), "p95_ms": float(row["95%"] or 0),
                         "p99_ms": float(row["99%"] or 0), "max_ms": float(row["Max Response Time"] or 0)})
    return rows


def print_stats(title: str, rows: list[dict]) -> None:
    print(f"\n{title}")
    print(f"{'request':<28}{'count':>8}{'errors':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for r in rows:
        print(f"{r['name'] or '(total)':<28}{r['requests']:>8}{r['failures']:>8}{r['rps']:>9.1f}{r['p50_ms']:>9.0f}"
              f"{r['p95_ms']:>9.0f}{r['p99_ms']:>9.0f}{r['max_ms']:>9.0f}")


REQUEST_LINE = re.compile(r"chibo\.requests (GET|POST) (\S+) (\d{3}) ([\d.]+) ?ms")
PATH_KINDS = [(re.compile(r"^/sinh-hoat/[^/]+/"), "/sinh-hoat/ID/"), (re.compile(r"^/to-chuc/[^/]+/"), "/to-chuc/CODE/")]


def server_times(log: Path) -> list[dict]:
    """The time the server itself spent on each kind of request (its request log: chibo.requestlog),
    without the time a request waited for a free worker."""
    times: dict[tuple[str, str], list[float]] = {}
    for line in log.read_text(errors="replace").splitlines():
        found = REQUEST_LINE.search(line)
        if found:
            path = found[2]
            for pattern, kind in PATH_KINDS:
                path = pattern.sub(kind, path)
            times.setdefault((found[1], path), []).append(float(found[4]))
    rows = []
    for (method, path), values in sorted(times.items()):
        values.sort()
        rows.append({"method": method, "path": path, "count": len(values), "p50_ms": values[len(values) // 2],
                     "p95_ms": values[min(len(values) - 1, int(len(values) * 0.95))]})
    return rows


def main(argv=None) -> int:
    args = parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if "DATABASE_URL" not in os.environ:
        print("DATABASE_URL: the database holding the province (chibo generate)", file=sys.stderr)
        return 2
    takers = max(1, round(args.users * 6 / 10))
    cells = args.cells or takers * (int(seconds(args.run_time) // 40) + 2)
    staff = args.staff if args.staff is not None else max(1, args.users // 10)
    members = args.members if args.members is not None else max(1, args.users * 3 // 10)
    extra = dict(item.split("=", 1) for item in args.env)
    env = {**os.environ, **SERVER_ENV, "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
           **extra}
    for key in ("CHIBO_DEV", "DEBUG"):  # a production server, unless asked otherwise
        if key not in extra:
            env.pop(key, None)
    plan, acks = out / "plan.json", out / "acks.json"

    print(f"set-up: {cells} meetings to record, {staff} committee staff, {members} members", flush=True)
    done = subprocess.run([sys.executable, str(HERE / "setup.py"), "--cells", str(cells), "--staff", str(staff),
                           "--members", str(members), "--seed", str(args.seed), "--out", str(plan)],
                          cwd=ROOT, env=env)
    if done.returncode:
        return done.returncode

    port = args.port or free_port()
    host = f"http://127.0.0.1:{port}"
    serve = [sys.executable, str(ROOT / "manage.py"), "serve", "--port", str(port)]
    if args.threads:
        serve += ["--threads", str(args.threads)]
    if args.workers:
        serve += ["--workers", str(args.workers)]
    if not args.collectstatic:
        serve.append("--no-collectstatic")
    log = out / "server.log"
    worker = None
    if args.celery:
        env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/3")
        with open(out / "worker.log", "w") as worker_log:
            worker = subprocess.Popen([str(Path(sys.executable).parent / "celery"), "-A", "chibo.jobs", "worker",
                                       "--loglevel", "WARNING", "--concurrency", str(args.celery)],
                                      cwd=ROOT, env=env, stdout=worker_log, stderr=subprocess.STDOUT,
                                      start_new_session=True)
    with open(log, "w") as log_file:
        server = subprocess.Popen(serve, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    load, cpu = {}, {}
    try:
        wait_up(host, server, log)
        print("$", " ".join(serve[1:]), "->", log.read_text().splitlines()[0], flush=True)
        load["before"] = os.getloadavg()
        worker_pid = worker.pid if worker is not None else None
        _, cpu["scenario"] = measured(lambda: locust(args, host, MAIN_USERS, out / "scenario", plan, acks), server.pid,
                                      worker_pid)
        load["after_scenario"] = os.getloadavg()
        if not args.no_floor:
            _, cpu["floor"] = measured(lambda: locust(args, host, ["Ping"], out / "floor", plan, None), server.pid,
                                       worker_pid)
            load["after_floor"] = os.getloadavg()
    finally:
        server.send_signal(signal.SIGTERM)  # gunicorn's master (chibo serve exec'd it): a graceful stop
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
        if worker is not None:  # a warm shutdown: the re-audits it holds finish first
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=120)
            except subprocess.TimeoutExpired:
                worker.kill()

    verify = subprocess.run([sys.executable, str(HERE / "verify.py"), "--plan", str(plan), "--acks", str(acks),
                             "--json", str(out / "writes.json")], cwd=ROOT, env=env)
    writes = json.loads((out / "writes.json").read_text())
    scenario = read_stats(out / "scenario")
    floor = [] if args.no_floor else read_stats(out / "floor")
    print_stats(f"scenario ({args.users} users, think {args.think} s, {args.run_time})", scenario)
    if floor:
        print_stats("floor: the same users and pace on /healthz", floor)
    served = server_times(log)
    print("\nserver time per request (its log; without the wait for a free worker)")
    for r in served:
        print(f"{r['method']:<5}{r['path']:<40}{r['count']:>7}{r['p50_ms']:>9.0f}{r['p95_ms']:>9.0f}")
    total = scenario[-1]
    errors = total["failures"]
    lost = sum(w["lost"] for w in writes)
    workers = args.workers or "one more than the CPUs"
    conn_max_age = env.get("DB_CONN_MAX_AGE", "chibo serve's default")
    jobs = f"a Celery worker of {args.celery} on {env['REDIS_URL']}" if args.celery else "jobs in-process (eager)"
    print(f"\nserver: chibo serve --workers {workers} --threads {args.threads or '4 (default)'}, DB_CONN_MAX_AGE={conn_max_age}, "
          f"{jobs}, {os.cpu_count()} CPUs; load average (1 min) before {load.get('before', ('?',))[0]}, after "
          f"{load.get('after_scenario', ('?',))[0]}")
    for phase, c in cpu.items():
        print(f"CPU during the {phase}: {c['wall_s']} s wall; server {c['server_cpu_s']} s, Celery worker "
              f"{c['worker_cpu_s']} s, PostgreSQL {c['postgres_cpu_s']} s, locust {c['locust_cpu_s']} s, "
              f"the whole machine {c['machine_busy_s']} s busy of {c['machine_cores']:.0f} cores x {c['wall_s']} s "
              f"(other sessions included)")
    ceiling = pace_ceiling(args.users, args.think)
    print(f"the users' pace alone (every answer instant): at most {ceiling:.1f} req/s"
          + ("" if ceiling > BAR["rps"] else f" -- below the bar's {BAR['rps']:.0f}: more --users "
             f"(at least {BAR['rps'] / pace_ceiling(1, args.think):.0f} at --think {args.think})"))
    met = total["rps"] >= BAR["rps"] and total["p95_ms"] < BAR["p95_ms"] and errors == 0 and lost == 0
    print(f"bar: {total['rps']:.1f} req/s (>= {BAR['rps']:.0f}), p95 {total['p95_ms']:.0f} ms (< {BAR['p95_ms']:.0f}), "
          f"{errors} errors, {lost} lost writes -> {'MET' if met else 'NOT MET'}")
    (out / "summary.json").write_text(json.dumps({
        "args": vars(args), "scenario": scenario, "floor": floor, "server_times": served, "writes": writes, "load_average": load,
        "cpu": cpu, "pace_ceiling_rps": round(ceiling, 1),
        "server": {"workers": workers, "threads": args.threads, "DB_CONN_MAX_AGE": conn_max_age,
                   "jobs": jobs, "cpus": os.cpu_count()}, "bar_met": met}, indent=1, ensure_ascii=False))
    if errors or lost or verify.returncode:
        return 1
    return 1 if args.strict and not met else 0


if __name__ == "__main__":
    sys.exit(main())
