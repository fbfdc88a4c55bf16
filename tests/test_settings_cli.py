"""Configuration from the environment and the `chibo` command line, run as real processes."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHIBO = str(Path(sys.executable).parent / "chibo")


def run(args, **env):
    base = {k: v for k, v in os.environ.items()
            if k not in ("SECRET_KEY", "CHIBO_DEV", "DEBUG", "DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    base.update(env)
    return subprocess.run(args, cwd=ROOT, env=base, capture_output=True, text=True, timeout=120)


def settings_value(expr, **env):
    code = f"import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE','chibo.settings'); django.setup(); " \
           f"from django.conf import settings as s; print({expr})"
    done = run([sys.executable, "-c", code], **env)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_debug_off_unless_asked():
    assert settings_value("s.DEBUG") == "False"
    assert settings_value("s.DEBUG", DEBUG="1") == "True"


def test_bad_boolean_fails_loudly():
    done = run([sys.executable, "-c", "import chibo.settings"], DEBUG="peut-être")
    assert done.returncode != 0 and "DEBUG must be a boolean" in done.stderr


def test_serve_refuses_without_secret_key_outside_development():
    done = run([CHIBO, "serve", "--port", "8799"])
    assert done.returncode == 1
    assert "Thiếu SECRET_KEY" in done.stderr


def test_locale_and_time_zone():
    assert settings_value("(s.LANGUAGE_CODE, s.TIME_ZONE, s.DATE_FORMAT)") == "('vi', 'Asia/Ho_Chi_Minh', 'd/m/Y')"


def test_database_and_hosts_from_environment():
    assert settings_value("s.DATABASES['default']['ENGINE']",
                          DATABASE_URL="postgres://postgres@127.0.0.1:5432/test") == "django.db.backends.postgresql"
    assert settings_value("s.ALLOWED_HOSTS", ALLOWED_HOSTS="chibo.example.vn, a.vn") == "['chibo.example.vn', 'a.vn']"
    assert settings_value("(s.EMAIL_HOST, s.EMAIL_PORT)", EMAIL_HOST="smtp.local", EMAIL_PORT="587") == \
        "('smtp.local', 587)"


def test_cli_passes_management_commands_through(tmp_path):
    db = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    done = run([CHIBO, "migrate", "-v", "0"], DATABASE_URL=db)
    assert done.returncode == 0, done.stderr
    done = run([CHIBO, "demo"], DATABASE_URL=db)
    assert done.returncode == 0, done.stderr
    assert "admin" in done.stdout and "chibo-demo" in done.stdout
    done = run([CHIBO, "demo", "--if-empty"], DATABASE_URL=db)
    assert done.returncode == 0 and "không tạo dữ liệu mẫu" in done.stdout
    done = run([CHIBO, "help", "minutes-book"], DATABASE_URL=db)
    assert done.returncode in (0, 1)


def test_nothing_loads_from_a_cdn():
    """Templates reference only the application's own static files."""
    for path in (ROOT / "chibo" / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "https://" not in text and "//cdn" not in text, path


def test_admin_screens_open_for_the_administrator(client, personas):
    client.force_login(personas["admin"])
    for url in ("/quan-tri/orgs/role/", "/quan-tri/orgs/member/", "/quan-tri/orgs/organization/"):
        assert client.get(url).status_code == 200, url
    client.force_login(personas["staff"])
    assert client.get("/quan-tri/orgs/role/").status_code == 302  # not staff: sent to the admin login
