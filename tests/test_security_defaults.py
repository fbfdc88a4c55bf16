"""Production security defaults (issue 7, point 7): HTTPS, HSTS and secure cookies on unless
opted out, `check --deploy` silent, a health check outside login and the HTTPS redirect, only the
needed front-end files served from node_modules, the API docs behind the login."""

import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.staticfiles import finders

from tests.access_matrix import PERSONAS

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {"SECRET_KEY": "k8Jq2-vR9zX!m4Lp7Ws0Tn3Yb6Hc1Dg5Fe8Ua2Qi9Ok7Ml4Nj0Rt3Sv6Ex1Zw5Cy8",
              "ALLOWED_HOSTS": "chibo.example.vn"}

# URL names of this module's routes (tests/test_access_orgs.py::test_every_url_is_in_the_matrix).
COVERED = ("healthz",)


def production(args, **env):
    """A process with production settings: no DEBUG, no CHIBO_DEV (and no pytest in it)."""
    base = {k: v for k, v in os.environ.items()
            if k not in ("SECRET_KEY", "CHIBO_DEV", "DEBUG", "DJANGO_SETTINGS_MODULE", "ALLOWED_HOSTS",
                         "DJANGO_ALLOW_ASYNC_UNSAFE")  # set in-process by the browser tests
            and not k.startswith("SECURE_") and not k.endswith("_COOKIE_SECURE")}
    base.update(PRODUCTION, **env)
    return subprocess.run(args, cwd=ROOT, env=base, capture_output=True, text=True, timeout=180)


def production_settings(expr, **env):
    code = ("import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'chibo.settings'); django.setup(); "
            f"from django.conf import settings as s; print({expr})")
    done = production([sys.executable, "-c", code], **env)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_check_deploy_prints_nothing_under_production_settings():
    done = production([sys.executable, "manage.py", "check", "--deploy"])
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "System check identified no issues (0 silenced)."
    assert "WARNING" not in done.stderr and "?:" not in done.stdout + done.stderr
    assert production_settings("(s.DEVELOPMENT, s.DEBUG)") == "(False, False)"


def test_https_hsts_and_secure_cookies_are_on_by_default_in_production():
    expr = ("(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_SECURE,"
            " s.CSRF_COOKIE_SECURE, s.SECURE_CONTENT_TYPE_NOSNIFF, s.SECURE_REFERRER_POLICY, s.SECURE_REDIRECT_EXEMPT)")
    assert production_settings(expr) == "(True, 31536000, True, True, True, True, 'same-origin', ['^healthz$'])"


def test_a_tls_proxy_turns_the_redirect_off_and_names_its_header():
    expr = "(s.SECURE_SSL_REDIRECT, s.SECURE_PROXY_SSL_HEADER, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE)"
    assert production_settings(expr, SECURE_SSL_REDIRECT="0", SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https") \
        == "(False, ('HTTP_X_FORWARDED_PROTO', 'https'), 31536000, True)"


def test_development_keeps_plain_http():
    code = "import os; os.environ['CHIBO_DEV'] = '1'; import chibo.settings as s; " \
           "print((s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE))"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "(False, 0, False)", done.stderr


# --- the health check ------------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_healthz_answers_everyone_without_login(personas, client_for, persona):
    response = client_for(personas[persona]).get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"database": "ok", "jobs": {"mode": "in-process"}}


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_fails(client):
    from django.db import connection

    with mock.patch.object(connection, "cursor", side_effect=Exception("database down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "error", "jobs": {"mode": "in-process"}}


@pytest.mark.django_db
def test_healthz_is_exempt_from_the_https_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    response = client.get("/dang-nhap/")
    assert response.status_code == 301 and response["Location"] == "https://testserver/dang-nhap/"


# --- static files from node_modules ------------------------------------------------------------------

def test_only_the_needed_front_end_files_are_served():
    assert finders.find("vendor/.package-lock.json") is None
    assert finders.find("vendor/htmx.org/package.json") is None
    assert finders.find("vendor/@fontsource/tinos/index.css") is None
    assert finders.find("vendor/htmx/htmx.min.js") is not None


# --- the API documentation ---------------------------------------------------------------------------

@pytest.mark.django_db
def test_api_docs_and_schema_need_a_login(client, personas):
    for url in ("/api/docs", "/api/openapi.json"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/?next=/api/"), url
    client.force_login(personas["member"])
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    # Swagger UI from django-ninja's own static files: works on a closed network, under the CSP
    html = docs.content.decode()
    assert '<script src="/static/ninja/swagger-ui-bundle.js">' in html
    assert "cdn" not in html.lower()
    assert "script-src 'self'" in docs["Content-Security-Policy"]
    schema = client.get("/api/openapi.json")
    assert schema.status_code == 200 and schema.json()["info"]["title"] == "Chibo API"
