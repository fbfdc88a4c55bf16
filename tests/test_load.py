"""The load test's chain (bench/load) for a few seconds on a tiny province: set-up, `chibo serve`
(gunicorn), locust's minute-takers, staff and members, the server stopped, the rows checked.
Its own SQLite file and server whatever DATABASE_URL says (like the server test in
test_serving.py): what it checks is that the scenario runs without an error and loses no write."""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def bench_module(name):
    """A script of bench/load, imported by its path (bench/ is not a package)."""
    spec = importlib.util.spec_from_file_location(f"load_{name}", ROOT / "bench/load" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(args, env, timeout=240):
    done = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


def test_the_evening_of_the_3rd_runs_without_an_error_and_loses_no_write(tmp_path):
    if importlib.util.find_spec("locust") is None:  # not imported here: it monkey-patches the process (gevent)
        pytest.skip("locust is not installed")
    env = {k: v for k, v in os.environ.items()
           if k not in ("CHIBO_DEV", "DEBUG", "DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL",
                        "CELERY_BROKER_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "SECRET_KEY")}
    env.update(CHIBO_DATA_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path / 'load.sqlite3'}")
    run(["manage.py", "migrate", "--noinput", "-v0"], env)
    run(["manage.py", "generate", "--members", "150", "--cells", "8", "--seed", "3"], env)
    out = tmp_path / "out"
    # CHIBO_DEV: the static files as they are (no collectstatic for a few seconds' run).
    done = run(["bench/load/run.py", "--users", "5", "--spawn-rate", "5", "--run-time", "15s", "--think", "0.01",
                "--cells", "6", "--staff", "1", "--members", "2", "--no-floor", "--env", "CHIBO_DEV=1",
                "--workers", "2", "--out", str(out)], env)
    summary = json.loads((out / "summary.json").read_text())
    total = summary["scenario"][-1]
    assert total["name"] == "Aggregated" and total["failures"] == 0, done.stdout[-3000:]
    kinds = {row["name"] for row in summary["scenario"]}
    assert {"meeting page", "recording page", "record: header field", "dashboard", "member page"} <= kinds
    writes = {row["kind"]: row for row in summary["writes"]}
    assert sum(row["lost"] for row in writes.values()) == 0
    assert writes["header"]["acknowledged"] > 0
    # Every acknowledged write is in the database, with the values sent.
    assert all(row["in_database"] >= row["acknowledged"] for row in writes.values())
    assert "bar:" in done.stdout and "lost writes: 0" in done.stdout
    assert summary["pace_ceiling_rps"] == 366.7  # 5 users at --think 0.01 (test below)
    assert "at most 366.7 req/s" in done.stdout


def test_the_pace_ceiling_is_what_the_users_can_ask_for_at_their_think_time():
    """200 users at --think 1: 120 minute-takers ask once a second, 20 staff and 60 members once
    every 3 s: 146.7 requests/s even if every answer were instant, below the bar's 200; 273
    users are the fewest whose pace reaches it."""
    module = bench_module("run")
    assert round(module.pace_ceiling(200, 1.0), 1) == 146.7
    assert round(module.pace_ceiling(300, 1.0), 1) == 220.0
    assert module.pace_ceiling(272, 1.0) < 200 < module.pace_ceiling(273, 1.0)
    assert round(module.pace_ceiling(5, 0.01), 1) == 366.7


def test_the_profilers_samples_are_summed_per_file_and_per_function_once_a_stack():
    """py-spy's raw lines (stack;stack;leaf COUNT): a function twice on one stack counts once."""
    module = bench_module("spyagg")
    views = ROOT / "chibo/views.py"  # the project's files are named from its root, wherever the clone lies
    lines = [
        f"run (threading.py:1);view ({views}:10);execute (/x/site-packages/psycopg/cursor.py:5) 6\n",
        f"run (threading.py:1);view ({views}:12);view ({views}:10) 3\n",
        "\n",
        "run (threading.py:2) 1\n",
    ]
    total, by_file, inclusive = module.summarize(lines)
    assert total == 10
    assert by_file == {"psycopg/cursor.py": 6, "chibo/views.py": 3, "threading.py": 1}
    assert inclusive == {"run (threading.py)": 10, f"view ({views})": 9,
                         "execute (/x/site-packages/psycopg/cursor.py)": 6}
