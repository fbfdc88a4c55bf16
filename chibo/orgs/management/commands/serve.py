"""`chibo serve`: the production server (gunicorn); `chibo serve --dev`: Django's auto-reloading
development server.

The production path collects the static files (hashed, compressed: WhiteNoise serves them from
STATIC_ROOT), then replaces this process with gunicorn (`python -m gunicorn chibo.wsgi`), so a
process manager's signals reach gunicorn's master directly: TERM stops it gracefully, HUP reloads
the workers. Extra gunicorn options can be given in GUNICORN_CMD_ARGS (e.g. "--timeout 120").
"""

import os
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from chibo.commands import ChiboCommand, positive_int

#: Seconds a worker may spend on one request before gunicorn restarts it: the year's minutes
#: book of a large cell takes tens of seconds to print.
TIMEOUT = 120

#: Seconds a worker keeps its database connection for the next request (Django's CONN_MAX_AGE,
#: read from DB_CONN_MAX_AGE, which the environment may set otherwise; 0 closes it after each
#: request). Opening a PostgreSQL connection per request halved the throughput of the trivial
#: /healthz under load (bench/load: about 50 -> 100 requests/s on 2 busy cores). A sync worker
#: serves one request at a time: the server holds at most workers x threads connections.
CONN_MAX_AGE = 60

#: A kept connection prepares a statement once it has run it twice (settings.DB_PREPARE_THRESHOLD,
#: which the environment may set otherwise, "off" included): PostgreSQL then skips planning it
#: again, most of its work for the pages' small queries. The load test (bench/load/README.md, 200
#: users, 120 s) measured PostgreSQL's CPU per request at about three quarters of what it was.
PREPARE_THRESHOLD = 2

#: Threads per worker (gunicorn's gthread worker): a request waits on PostgreSQL for most of its
#: time (an autosave: ~15 queries, ~11 ms of Python), so while one thread waits another runs. The
#: load test (bench/load, 100 users on 2 busy cores) went from 13 to 37 requests/s with 4 threads
#: instead of 1, the same errors (0). The server holds at most workers x threads connections.
THREADS = 4


def default_workers() -> int:
    """One more than the CPUs this process may run on. A worker's threads share one interpreter
    lock, so a worker uses at most one core; with PostgreSQL and the Celery worker on the same
    cores, one extra worker keeps them busy: the load test (bench/load/README.md, 200 users on 2
    cores) gave 51.3 requests/s with 2 workers, 66.5 with 3 and 65.2 with 4."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cpus = os.cpu_count() or 1
    return max(1, cpus) + 1


def gunicorn_argv(host: str, port: int, workers: int, threads: int) -> list[str]:
    return [sys.executable, "-m", "gunicorn", "chibo.wsgi:application",
            "--bind", f"{host}:{port}", "--workers", str(workers), "--threads", str(threads),
            "--timeout", str(TIMEOUT), "--graceful-timeout", "30",
            # Requests are logged by chibo.requestlog (one line each, LOG_FORMAT=json for JSON);
            # gunicorn logs only its own events, to stderr.
            "--error-logfile", "-", "--log-level", "info",
            # Behind a reverse proxy on the same machine (nginx): the proxy's headers are trusted.
            "--forwarded-allow-ips", "127.0.0.1,::1"]


class Command(ChiboCommand):
    help = ("Chạy ứng dụng Chibo: máy chủ gunicorn (mặc định), hoặc máy chủ phát triển tự nạp lại "
            "khi sửa mã (--dev).")

    def add_arguments(self, parser):
        parser.add_argument("--port", type=positive_int("cổng", 1, 65535), default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--workers", type=positive_int("số tiến trình", 1, 256), default=None,
                            help="số tiến trình xử lý (mặc định: số CPU cộng 1)")
        parser.add_argument("--threads", type=positive_int("số luồng", 1, 64), default=THREADS,
                            help=f"số luồng mỗi tiến trình (mặc định {THREADS})")
        parser.add_argument("--dev", action="store_true",
                            help="máy chủ phát triển của Django, tự nạp lại khi sửa mã")
        parser.add_argument("--no-collectstatic", action="store_true",
                            help="không chạy collectstatic trước khi khởi động (đã chạy khi cài đặt)")

    def handle(self, *args, port, host, workers, threads, dev, no_collectstatic, **options):
        if settings.SECRET_KEY_MISSING:
            raise CommandError(
                "Thiếu SECRET_KEY: đặt biến môi trường SECRET_KEY bằng một khóa bí mật thật "
                "(hoặc CHIBO_DEV=1 khi chạy thử trên máy phát triển)."
            )
        if dev:
            call_command("runserver", f"{host}:{port}", use_reloader=True)
            return
        if not no_collectstatic:
            call_command("collectstatic", interactive=False, verbosity=0)
        workers = workers or default_workers()
        os.environ.setdefault("DB_CONN_MAX_AGE", str(CONN_MAX_AGE))  # gunicorn (exec'd below) inherits it
        os.environ.setdefault("DB_PREPARE_THRESHOLD", str(PREPARE_THRESHOLD))
        self.stdout.write(f"Chibo (gunicorn, {workers} tiến trình) tại http://{host}:{port}")
        self.stdout.flush()
        argv = gunicorn_argv(host, port, workers, threads)
        os.execv(argv[0], argv)
