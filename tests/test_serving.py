"""The production server (issue 10, point 1): `chibo serve` runs gunicorn with WhiteNoise's hashed,
compressed static files, `--dev` keeps the auto-reloading development server, /healthz reports
the database and the job queue, and every request is logged on one line (JSON with
LOG_FORMAT=json)."""

import gzip
import json
import logging
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command

from chibo import requestlog
from chibo.orgs.management.commands import serve
from tests.e2e.browser_check import in_ci

ROOT = Path(__file__).resolve().parent.parent
CHIBO = str(Path(sys.executable).parent / "chibo")
REDIS = os.environ.get("CHIBO_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
PRODUCTION = {"SECRET_KEY": "k8Jq2-vR9zX!m4Lp7Ws0Tn3Yb6Hc1Dg5Fe8Ua2Qi9Ok7Ml4Nj0Rt3Sv6Ex1Zw5Cy8",
              "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "0"}


# --- the serve command's two paths (in-process, gunicorn itself not started) -----------------------

def test_serve_runs_gunicorn_with_the_workers_asked_for_after_collectstatic():
    with mock.patch.object(serve, "call_command") as called, mock.patch.object(serve.os, "execv") as execv:
        call_command("serve", "--port", "8123", "--host", "0.0.0.0", "--workers", "3", "--threads", "2")
    called.assert_called_once_with("collectstatic", interactive=False, verbosity=0)
    program, argv = execv.call_args.args
    assert program == sys.executable and argv[:4] == [sys.executable, "-m", "gunicorn", "chibo.wsgi:application"]
    options = dict(zip(argv[4::2], argv[5::2], strict=False))
    assert options["--bind"] == "0.0.0.0:8123"
    assert options["--workers"] == "3" and options["--threads"] == "2"
    assert options["--timeout"] == str(serve.TIMEOUT)


def test_serve_defaults_to_one_worker_more_than_the_cpus_and_can_skip_collectstatic():
    with mock.patch.object(serve, "call_command") as called, mock.patch.object(serve.os, "execv") as execv, \
            mock.patch.object(serve.os, "sched_getaffinity", return_value={0, 1, 2, 3, 4}):
        call_command("serve", "--no-collectstatic")
    called.assert_not_called()
    argv = execv.call_args.args[1]
    assert argv[argv.index("--workers") + 1] == "6"
    assert argv[argv.index("--bind") + 1] == "127.0.0.1:8000"
    assert serve.default_workers() >= 2


def test_serve_keeps_database_connections_between_requests_unless_told_otherwise(monkeypatch):
    monkeypatch.delenv("DB_CONN_MAX_AGE", raising=False)
    with mock.patch.object(serve, "call_command"), mock.patch.object(serve.os, "execv") as execv:
        call_command("serve", "--no-collectstatic")
    execv.assert_called_once()
    assert os.environ["DB_CONN_MAX_AGE"] == "60" == str(serve.CONN_MAX_AGE)  # what gunicorn inherits
    monkeypatch.setenv("DB_CONN_MAX_AGE", "0")
    with mock.patch.object(serve, "call_command"), mock.patch.object(serve.os, "execv"):
        call_command("serve", "--no-collectstatic")
    assert os.environ["DB_CONN_MAX_AGE"] == "0"
    from django.conf import settings

    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True  # a connection kept is checked first


def test_serve_prepares_statements_on_postgresql_unless_told_otherwise(monkeypatch):
    monkeypatch.delenv("DB_PREPARE_THRESHOLD", raising=False)
    with mock.patch.object(serve, "call_command"), mock.patch.object(serve.os, "execv"):
        call_command("serve", "--no-collectstatic")
    assert os.environ["DB_PREPARE_THRESHOLD"] == "2" == str(serve.PREPARE_THRESHOLD)  # what gunicorn inherits
    monkeypatch.setenv("DB_PREPARE_THRESHOLD", "off")
    with mock.patch.object(serve, "call_command"), mock.patch.object(serve.os, "execv"):
        call_command("serve", "--no-collectstatic")
    assert os.environ["DB_PREPARE_THRESHOLD"] == "off"


def database_settings(url: str, **env) -> dict:
    """The default database's settings and what a new connection says of itself, in a new process
    with this DATABASE_URL and environment."""
    code = ("import json, os, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'chibo.settings'); "
            "django.setup(); from django.db import connection; "
            "said = {}\n"
            "if connection.vendor == 'sqlite':\n"
            "    with connection.cursor() as c:\n"
            "        said = {p: c.execute(f'PRAGMA {p}').fetchone()[0] for p in ('journal_mode', 'synchronous')}\n"
            "print(json.dumps({'options': connection.settings_dict['OPTIONS'], 'said': said}))")
    environment = {k: v for k, v in os.environ.items() if k != "DB_PREPARE_THRESHOLD"}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**environment, "CHIBO_DEV": "1", "DATABASE_URL": url, **env})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_embedded_sqlite_database_runs_in_wal_mode(tmp_path):
    """Readers go on while a request writes: the write-ahead log, synchronous=NORMAL (1)."""
    got = database_settings(f"sqlite:///{tmp_path / 'chibo.sqlite3'}")
    assert got["said"] == {"journal_mode": "wal", "synchronous": 1}
    assert got["options"] == {"timeout": 30, "transaction_mode": "IMMEDIATE",
                              "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}


@pytest.mark.parametrize("value, options", [
    (None, {}),
    ("off", {}),
    ("2", {"server_side_binding": True, "prepare_threshold": 2}),
    ("0", {"server_side_binding": True, "prepare_threshold": 0}),
])
def test_postgresql_prepares_statements_only_when_asked(value, options):
    env = {} if value is None else {"DB_PREPARE_THRESHOLD": value}
    assert database_settings("postgres://nobody@127.0.0.1:1/none", **env)["options"] == options


def test_a_bad_prepare_threshold_is_refused_with_its_name():
    code = "import os, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'chibo.settings'); django.setup()"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "CHIBO_DEV": "1", "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
                               "DB_PREPARE_THRESHOLD": "often"})
    assert done.returncode == 1
    assert "DB_PREPARE_THRESHOLD must be an integer, got 'often'" in done.stderr


@pytest.mark.django_db
def test_a_postgresql_connection_that_prepares_keeps_500_statements_and_prepares_after_two_runs():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's prepared statements")
    from django.db.backends.postgresql.base import DatabaseWrapper

    options = {**connection.settings_dict["OPTIONS"], "server_side_binding": True, "prepare_threshold": 2}
    wrapper = DatabaseWrapper({**connection.settings_dict, "OPTIONS": options}, alias="prepared_check")
    try:
        with wrapper.cursor() as cursor:
            counts = []
            for value in (1, 2, 3):
                cursor.execute("SELECT %s::int + 1", [value])
                assert cursor.fetchone() == (value + 1,)
                cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE 'SELECT $1::int + 1'")
                counts.append(cursor.fetchone()[0])
        assert counts == [0, 0, 1]  # run twice as it is, prepared at the third run
        assert wrapper.connection.prepared_max == 500
    finally:
        wrapper.close()


def test_serve_dev_keeps_the_auto_reloading_development_server():
    with mock.patch.object(serve, "call_command") as called, mock.patch.object(serve.os, "execv") as execv:
        call_command("serve", "--dev", "--port", "8124")
    called.assert_called_once_with("runserver", "127.0.0.1:8124", use_reloader=True)
    execv.assert_not_called()


@pytest.mark.parametrize("args", [["--workers", "0"], ["--workers", "abc"], ["--threads", "65"]])
def test_serve_refuses_a_bad_worker_or_thread_count(args):
    done = subprocess.run([CHIBO, "serve", *args], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "CHIBO_DEV": "1"})
    assert done.returncode == 2
    assert "phải" in done.stderr


# --- the health check's job queue ----------------------------------------------------------------

def redis_running() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS, socket_connect_timeout=2).ping())
    except Exception:
        return False


@pytest.mark.django_db
def test_healthz_pings_a_redis_broker(client, settings):
    if not redis_running():
        if in_ci():
            pytest.fail(f"Redis is not running at {REDIS}")
        pytest.skip(f"Redis is not running at {REDIS}")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = REDIS
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "jobs": {"mode": "redis", "broker": "ok"}}
    # every check pings on the same pooled connection: none is opened per request
    from chibo.views import _broker_client

    assert client.get("/healthz").json()["jobs"] == {"mode": "redis", "broker": "ok"}
    pool = _broker_client(REDIS).connection_pool
    assert (pool._created_connections, len(pool._available_connections)) == (1, 1)


@pytest.mark.django_db
def test_healthz_reports_a_redis_broker_that_does_not_answer_without_failing(client, settings):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{port}/0"
    response = client.get("/healthz")
    assert response.status_code == 200  # the pages still work; jobs refused are stored as failures
    assert response.json() == {"database": "ok", "jobs": {"mode": "redis", "broker": "error"}}
    assert "127.0.0.1" not in response.content.decode()  # the broker's address is not published


@pytest.mark.django_db
def test_healthz_names_another_broker_without_checking_it(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "amqp://guest:secret@rabbit:5672//"
    assert client.get("/healthz").json() == {"database": "ok", "jobs": {"mode": "amqp", "broker": "unchecked"}}


@pytest.mark.django_db
def test_healthz_without_a_broker_setting_says_jobs_run_in_process(client, settings):
    del settings.CELERY_BROKER_URL
    settings.CELERY_TASK_ALWAYS_EAGER = False
    assert client.get("/healthz").json() == {"database": "ok", "jobs": {"mode": "in-process"}}


def test_healthz_answers_only_get(client):
    assert client.post("/healthz").status_code == 405


# --- one line per request ------------------------------------------------------------------------

def request_records(caplog):
    return [r for r in caplog.records if r.name == "chibo.requests"]


@pytest.fixture
def caplog_requests(caplog):
    logger = logging.getLogger("chibo.requests")
    logger.addHandler(caplog.handler)  # the logger does not propagate to the root
    caplog.set_level(logging.INFO, logger="chibo.requests")
    yield caplog
    logger.removeHandler(caplog.handler)


@pytest.mark.django_db
def test_every_request_is_logged_once_with_method_path_status_time_and_user(client, personas, caplog_requests):
    client.get("/healthz?x=1")
    client.force_login(personas["secretary"])
    client.get("/")
    client.get("/khong-co-trang-nay/")
    client.post("/healthz")
    records = request_records(caplog_requests)
    fields = [r.request_fields for r in records]
    assert [(f["method"], f["path"], f["status"], f["user"]) for f in fields] == [
        ("GET", "/healthz", 200, None),  # no query string; the health check never loads the user
        ("GET", "/", 200, personas["secretary"].pk),  # the secretary's start page
        ("GET", "/khong-co-trang-nay/", 404, personas["secretary"].pk),
        ("POST", "/healthz", 405, personas["secretary"].pk),
    ]
    assert all(isinstance(f["ms"], float) and f["ms"] >= 0 for f in fields)
    text = records[1].getMessage()
    assert re.fullmatch(rf"GET / 200 [0-9]+\.[0-9]ms user={personas['secretary'].pk}", text), text
    assert re.fullmatch(r"GET /healthz 200 [0-9]+\.[0-9]ms user=-", records[0].getMessage())


@pytest.mark.django_db
def test_tokens_in_the_path_are_not_logged(client, caplog_requests):
    client.get("/lich/abcdefSECRET123.ics")
    client.get("/dat-lai-mat-khau/MQ/set-password-SECRET/")
    paths = [r.request_fields["path"] for r in request_records(caplog_requests)]
    assert paths == ["/lich/***.ics", "/dat-lai-mat-khau/MQ/***/"]
    assert "SECRET" not in caplog_requests.text


def test_djangos_own_lines_about_a_request_are_masked_too():
    from django.test import RequestFactory
    from django.urls import resolve

    request = RequestFactory().get("/lich/abcdefSECRET123.ics")
    request.resolver_match = resolve(request.path)
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "%s: %s",
                               ("Not Found", request.path), None)
    record.request = request
    assert requestlog.MaskSecrets().filter(record)
    assert record.getMessage() == "Not Found: /lich/***.ics"


def test_the_json_formatter_writes_one_object_per_line():
    formatter = requestlog.JsonFormatter()
    fields = {"method": "GET", "path": "/", "status": 200, "ms": 1.5, "user": 7}
    record = logging.LogRecord("chibo.requests", logging.INFO, __file__, 1, "GET / 200", (), None)
    record.request_fields = fields
    line = formatter.format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert {k: entry[k] for k in fields} == fields
    assert entry["level"] == "INFO" and entry["logger"] == "chibo.requests"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d", entry["time"])
    try:
        raise ValueError("hỏng")
    except ValueError:
        other = logging.LogRecord("chibo", logging.ERROR, __file__, 1, "lỗi %s", ("x",), sys.exc_info())
    entry = json.loads(formatter.format(other))
    assert entry["message"] == "lỗi x" and "ValueError: hỏng" in entry["exc"]


def test_log_format_must_be_text_or_json():
    done = subprocess.run([sys.executable, "-c", "import chibo.settings"], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, env={**os.environ, "LOG_FORMAT": "xml"})
    assert done.returncode != 0 and "LOG_FORMAT must be text or json" in done.stderr


# --- the real server -----------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


@pytest.mark.slow
def test_chibo_serve_runs_gunicorn_with_compressed_hashed_static_files_and_json_logs(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if k not in ("CHIBO_DEV", "DEBUG", "DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL",
                        "CELERY_BROKER_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(PRODUCTION, CHIBO_DATA_DIR=str(tmp_path), LOG_FORMAT="json",
               DATABASE_URL=f"sqlite:///{tmp_path / 'serve.sqlite3'}")
    log = open(tmp_path / "server.log", "w+")
    server = subprocess.Popen([CHIBO, "serve", "--port", str(port), "--workers", "2"], cwd=ROOT, env=env,
                              stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, (tmp_path / "server.log").read_text()
            try:
                status, headers, body = fetch(base + "/healthz")
                break
            except OSError:
                assert time.monotonic() < deadline, (tmp_path / "server.log").read_text()
                time.sleep(0.2)
        assert status == 200 and json.loads(body) == {"database": "ok", "jobs": {"mode": "in-process"}}
        assert "gunicorn" in headers.get("Server", "")
        assert len(children(server.pid)) == 2  # the master (this very process: exec) and 2 workers

        status, _headers, page = fetch(base + "/dang-nhap/")
        assert status == 200
        css = re.search(r'href="(/static/chibo/chibo\.[0-9a-f]{12}\.css)"', page.decode())
        assert css, "the stylesheet's name carries its hash"
        status, headers, body = fetch(base + css[1], {"Accept-Encoding": "gzip"})
        assert status == 200 and headers["Content-Encoding"] == "gzip"
        assert "immutable" in headers["Cache-Control"] and "max-age=315360000" in headers["Cache-Control"]
        assert gzip.decompress(body) == (ROOT / "chibo" / "static" / "chibo" / "chibo.css").read_bytes()
        assert (tmp_path / "static" / "staticfiles.json").exists()  # collectstatic ran on start
    finally:
        server.terminate()
        server.wait(timeout=60)
        log.close()
    lines = [json.loads(line) for line in (tmp_path / "server.log").read_text().splitlines()
             if line.startswith("{") and '"chibo.requests"' in line]
    requests = [(e["method"], e["path"], e["status"]) for e in lines]
    assert ("GET", "/healthz", 200) in requests and ("GET", "/dang-nhap/", 200) in requests
    assert ("GET", css[1], 200) in requests
    assert all(isinstance(e["ms"], float) and e["user"] is None for e in lines)


# --- start-up --------------------------------------------------------------------------------------

def test_commands_start_without_the_document_and_spreadsheet_libraries():
    """WeasyPrint alone took about a second of every command's start-up: the URLs, the apps and
    the command line load none of the heavy libraries until a document is printed."""
    code = ("import sys, django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'chibo.settings'); "
            "django.setup(); import chibo.urls, chibo.cli; from django.core.management import get_commands; "
            "get_commands(); "
            "print(sorted(m for m in ('weasyprint', 'reportlab', 'docx', 'openpyxl', 'segno', 'fontTools', 'celery')"
            " if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "CHIBO_DEV": "1"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
