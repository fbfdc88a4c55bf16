"""The API against its own OpenAPI schema (Schemathesis, in-process through the WSGI application):
for every operation, requests generated from the schema, sent with the personal token of a
committee staff member of G who is also designated to record C1, never answer 5xx, and every
answer (status code, content type, body) is one the schema documents. Each operation is tried
with generated path parameters (mostly absent records: 404, 422) and with the fixture's real
records (C1, M2, the meeting C1-2025-01), so the reads and writes that succeed are checked too.
Derandomized and bounded (MAX_EXAMPLES per operation and kind): the same requests on every run."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from chibo.api import services as token_services

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

MAX_EXAMPLES = 8
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
#: Real records for the path parameters (the second pass of each operation).
REAL = {"code": "C1", "ident": "C1-2025-01", "member": "M2", "position": 0, "field": "place"}
REAL_BY_PATH = {"/api/v1/members/{code}": {"code": "M2"}, "/api/members/{code}": {"code": "M2"},
                "/api/v1/members/{code}/periods": {"code": "M3"}, "/api/v1/members/{code}/positions": {"code": "M3"},
                "/api/v1/orgs/{code}/dashboard": {"code": "G"}}


def test_every_operation_matches_the_schema(personas, meeting, settings):
    settings.ALLOWED_HOSTS = ["localhost"]
    from chibo.api.api import api

    secret = token_services.token_create(personas["designated"], "schemathesis")[1]
    schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
    app = get_wsgi_application()
    headers = {"Authorization": f"Bearer {secret}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 36, [f"{op.method.upper()} {op.path}" for op in operations]
    failures, seen = [], {}

    def runner(operation, real):
        @hypothesis_settings(max_examples=MAX_EXAMPLES, derandomize=True, database=None, deadline=None,
                             suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def run(case):
            if real and case.path_parameters:
                known = REAL_BY_PATH.get(operation.path, REAL)
                case.path_parameters = {k: known.get(k, REAL[k]) for k in case.path_parameters}
            response = case.call(app=app, base_url="http://localhost", headers=headers)
            seen.setdefault(f"{operation.method.upper()} {operation.path}", set()).add(response.status_code)
            case.validate_response(response, checks=CHECKS, headers=headers)

        return run

    # As Django's test client does: the request's end must not close the test's database connection
    # (on PostgreSQL it holds the test's transaction).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        for operation in operations:
            for real in (False, True):
                try:
                    runner(operation, real)()
                except Exception as exc:  # noqa: BLE001 - collect every operation's failure, report them all
                    failures.append(f"{operation.method.upper()} {operation.path} (real={real}): {exc}")
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    assert failures == []
    # The real records reach the answers that succeed: every read answered 200 at least once.
    reads = sorted(label for label in seen if label.startswith("GET"))
    assert len(reads) == 13
    assert [label for label in reads if 200 not in seen[label]] == []
