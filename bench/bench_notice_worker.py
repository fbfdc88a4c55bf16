#!/usr/bin/env python3
"""Benchmark: a meeting notice from the commit to its last e-mail, through a real Celery worker
on Redis, and in the embedded default (in-process, eager).

    .venv/bin/python bench/bench_notice_worker.py --database-url postgres://postgres@127.0.0.1:5432/DB \\
        [--redis redis://127.0.0.1:6379/6] [--runs 20] [--concurrency 2]

The database is migrated and the demo loaded when empty. Mail goes to Django's in-memory backend
(nothing leaves the machine). For each run the demo's next meeting of TT-C1 is notified again
(`notice_send`, committed) and the time until every recipient's `MailDelivery` row is in the
database is taken; the worker (`celery -A chibo.jobs worker --concurrency N`) runs on a private
Redis database and queue. Prints min / median / max, and the worker's resident memory.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv" / "bin"

RUN = r"""
import os, statistics, sys, time
import django
django.setup()
from django.db import transaction
from chibo.jobs import app
from chibo.jobs.models import MailDelivery
from chibo.meetings.preparation import services as preparation_services
from chibo.meetings.models import Meeting, MeetingStatus
from django.contrib.auth import get_user_model
from django.utils import timezone

runs = int(sys.argv[1])
meeting = (Meeting.objects.filter(organization__code="TT-C1", date__gt=timezone.localdate(),
                                  status__in=[MeetingStatus.PLANNED, MeetingStatus.NOTIFIED])
           .order_by("date").first())
user = get_user_model().objects.get(username="bithu1")
times = []
for _ in range(runs):
    start = time.perf_counter()
    with transaction.atomic():
        notice = preparation_services.notice_send(meeting, user, base_url="https://chibo.example").notice
    committed = time.perf_counter()
    want = len(notice.recipients)
    prefix = f"notice:{notice.pk}:"
    while MailDelivery.objects.filter(key__startswith=prefix).count() < want:
        if time.perf_counter() - start > 120:
            sys.exit("the worker did not deliver within 120 s")
        time.sleep(0.005)
    times.append((committed - start, time.perf_counter() - start))
print(f"eager={app.conf.task_always_eager} recipients={want}")
for label, values in (("commit", [t[0] for t in times]), ("last e-mail stored", [t[1] for t in times])):
    print(f"  {label:20s} min {min(values)*1000:7.1f} ms  median {statistics.median(values)*1000:7.1f} ms  "
          f"max {max(values)*1000:7.1f} ms")
"""


def rss_kb(pid: int) -> int:
    pids = [pid] + [int(p) for p in subprocess.run(["pgrep", "-P", str(pid)], capture_output=True,
                                                   text=True).stdout.split()]
    total = 0
    for p in pids:
        for line in Path(f"/proc/{p}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/6")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args()

    queue = f"bench-{uuid.uuid4().hex[:12]}"
    base = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CELERY_BROKER_URL")}
    base.update(DATABASE_URL=args.database_url, CHIBO_DEV="1", DJANGO_SETTINGS_MODULE="chibo.settings",
                EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend", CELERY_QUEUE=queue)
    subprocess.run([VENV / "chibo", "migrate", "--noinput", "-v", "0"], env=base, check=True, cwd=ROOT)
    subprocess.run([VENV / "chibo", "demo", "--if-empty"], env=base, check=True, cwd=ROOT)

    print("== embedded default (no broker: in-process after the commit)")
    subprocess.run([sys.executable, "-c", RUN, str(args.runs)], env=base, check=True, cwd=ROOT)

    print(f"== celery worker --concurrency {args.concurrency} on {args.redis}, queue {queue}")
    env = {**base, "REDIS_URL": args.redis}
    worker = subprocess.Popen([VENV / "celery", "-A", "chibo.jobs", "worker", "--concurrency", str(args.concurrency),
                               "--loglevel", "WARNING", "-n", f"{queue}@%h"], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(3)  # the worker connects; a job sent earlier would wait for it, not be lost
        subprocess.run([sys.executable, "-c", RUN, str(args.runs)], env=env, check=True, cwd=ROOT)
        print(f"  worker resident memory (main + pool processes): {rss_kb(worker.pid) / 1024:.0f} MB")
    finally:
        worker.terminate()
        worker.wait(60)
    return 0


if __name__ == "__main__":
    sys.exit(main())
