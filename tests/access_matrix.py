"""Helpers for the persona access tests: a snapshot of every Chibo table, to prove a denied
change changed nothing."""

import hashlib

from django.apps import apps

#: See tests/conftest.py: own cell (secretary, member), the committee above it (staff, designated),
#: a sibling cell (other, sibling), another committee (rival), and nobody (anonymous).
PERSONAS = ("admin", "staff", "designated", "secretary", "member", "other", "sibling", "rival", "anonymous")


def snapshot() -> str:
    digest = hashlib.sha256()
    for model in apps.get_models():
        if not model.__module__.startswith("chibo.") and model._meta.label != "auth.User":
            continue
        for row in model.objects.order_by("pk").values_list():
            digest.update(repr(row).encode())
    return digest.hexdigest()


def allowed_response(response) -> bool:
    if response.status_code == 200:
        return True
    if response.status_code == 302:
        return "/dang-nhap/" not in response["Location"]
    return False


def denied_response(response) -> bool:
    if response.status_code in (403, 404, 405):
        return True
    return response.status_code == 302 and "/dang-nhap/" in response["Location"]
