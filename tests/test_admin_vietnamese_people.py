"""The administration site's names in Vietnamese for the apps of the people's side (issue 13
item 8): the API's personal tokens, the notices' deliveries, the background jobs; the start page
(`home`) has no model. Every model has its Vietnamese verbose_name and verbose_name_plural, every
field a Vietnamese verbose name, and a readable __str__."""

from datetime import UTC, datetime

import pytest
from django.apps import apps
from django.db import models

from chibo.api import services as api_services
from chibo.jobs.models import JobFailure
from chibo.notices.models import NoticeDelivery

pytestmark = pytest.mark.django_db

APPS = ("api", "notices", "jobs", "home")


def people_models():
    return [m for label in APPS for m in apps.get_app_config(label).get_models()]


def test_the_apps_and_their_models():
    assert sorted(m._meta.label for m in people_models()) == [
        "api.ApiToken", "jobs.JobFailure", "jobs.MailDelivery", "notices.NoticeDelivery"]
    assert [apps.get_app_config(label).verbose_name for label in APPS] == [
        "API", "Thông báo họp đến đảng viên", "Công việc nền", "Trang đầu"]


def test_every_model_and_field_has_a_vietnamese_name():
    for model in people_models():
        opts = model._meta
        assert "verbose_name" in opts.original_attrs, opts.label
        assert "verbose_name_plural" in opts.original_attrs, opts.label
        assert not str(opts.verbose_name_plural).endswith("s"), opts.label
        assert model.__str__ is not models.Model.__str__, opts.label
        for field in opts.get_fields():
            if field.auto_created or not field.concrete:
                continue
            assert str(field.verbose_name) != field.name.replace("_", " "), f"{opts.label}.{field.name}"
    assert [(str(m._meta.verbose_name), str(m._meta.verbose_name_plural)) for m in people_models()] == [
        ("khóa API", "khóa API"), ("thông báo họp đến đảng viên", "thông báo họp đến đảng viên"),
        ("công việc nền bị lỗi", "công việc nền bị lỗi"), ("thư đã gửi", "thư đã gửi")]


def test_readable_str(personas, tree, meeting):
    token, _secret = api_services.token_create(personas["staff"], "Báo cáo huyện")
    assert str(token) == f"Khóa API “Báo cáo huyện” ({token.prefix}…)"
    sent = datetime(2025, 1, 1, 1, 0, tzinfo=UTC)
    delivery = NoticeDelivery.objects.create(meeting=meeting, member=tree["M2"], channel="paper", sent_at=sent)
    assert str(delivery) == "Thông báo họp ngày 03/01/2025 đến Trần Thị Bình — In, gửi tay — chưa xem"
    delivery.opened_at = datetime(2025, 1, 2, 13, 30, tzinfo=UTC)
    assert str(delivery) == "Thông báo họp ngày 03/01/2025 đến Trần Thị Bình — In, gửi tay — đã xem 02/01/2025 20:30"
    failure = JobFailure.objects.create(task="chibo.test", label="Gửi thư thông báo", error="SMTP không trả lời")
    assert str(failure) == "Gửi thư thông báo: SMTP không trả lời"
