"""The administration site (/quan-tri/) in Vietnamese for what remains there: every model of the
apps below has its Vietnamese verbose_name and verbose_name_plural and a readable __str__, and
a walk through the changelists and change pages of every registered model, as a superuser,
finds no English model name, no "object (…)" title and no plural made by adding an "s"."""

import html
import re
from datetime import date

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import models
from django.urls import reverse

from chibo.accounts.models import AccountState, SecurityPolicy
from chibo.fees.models import FeeRecord, Relief
from chibo.jobs.models import JobFailure, MailDelivery
from chibo.meetings.models import QualityRecord
from chibo.orgs.models import MemberPeriod, Membership, Position, Role
from chibo.reminders.models import Notification
from chibo.rules.models import RuleProfile, RuleProfileChange, ScoringSheet

pytestmark = pytest.mark.django_db

COVERED = ("orgs", "accounts", "rules", "changelog", "results", "jobs", "meetings", "fees", "supervision", "reminders",
           "api", "notices", "home")

#: Apps whose screens or names this test does not cover, and why.
LEFT = {
    "axes": "django-axes (login throttling) ships no Vietnamese translation: its three screens stay English",
    "otp_totp": "django-otp ships no Vietnamese translation: the TOTP devices screen stays English",
    "auth": "Django's own screens, translated by Django (Nhóm, Người dùng)",
}

#: Words an untranslated screen of the covered apps would show: English model names and column
#: headers (field names without a verbose_name), django-auditlog's own screen.
ENGLISH = re.compile(r"\b(Roles?|Organizations?|Members?|Memberships?|Member periods?|Positions?|User|Path|Depth|"
                     r"Job failures?|Mail deliver(y|ies)|Log entr(y|ies)|Security polic(y|ies)|Account states?|"
                     r"Created|Resource|Changes|Correlation ID|Remote address|Timestamp)\b")


def text_of(response) -> str:
    page = response.content.decode()
    page = re.sub(r"<script.*?</script>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def covered_models():
    return [m for label in COVERED for m in apps.get_app_config(label).get_models()]


def test_every_model_has_its_vietnamese_names_and_a_readable_str():
    for model in covered_models():
        opts = model._meta
        assert "verbose_name" in opts.original_attrs, opts.label
        assert "verbose_name_plural" in opts.original_attrs, opts.label
        assert not str(opts.verbose_name_plural).endswith("s"), opts.label
        assert model.__str__ is not models.Model.__str__, opts.label


def test_the_left_apps_are_the_others():
    registered = {m._meta.app_label for m in admin.site._registry}
    every = {c.label for c in apps.get_app_configs() if c.name.startswith("chibo.")} | registered
    assert every - set(COVERED) - {"interchange", "reports"} == set(LEFT)


def test_readable_str(personas, tree):
    role = Role.objects.get(user__username="secretary")
    assert str(role) == "Bí thư / thư ký chi bộ — Chi bộ thôn Đông — secretary"
    position = Position.objects.create(member=tree["M1"], organization=tree["C1"], title="bi_thu",
                                       start=date(2020, 1, 1))
    assert str(position) == "Bí thư — Chi bộ thôn Đông — Nguyễn Văn An"
    assert str(Membership.objects.get(member=tree["M1"])) == "Nguyễn Văn An — Chi bộ thôn Đông, từ 01/01/2020"
    period = MemberPeriod.objects.create(member=tree["M3"], kind="away", start=date(2025, 2, 1),
                                         end=date(2025, 8, 31), reason="Đi học")
    assert str(period) == "Sinh hoạt tạm thời / công tác đặc biệt — Lê Văn Cường, 01/02/2025 – 31/08/2025"
    profile = RuleProfile.objects.create(organization=tree["G"], values={})
    assert str(profile) == "Bộ quy tắc — Đảng bộ xã Tân Thành"
    change = RuleProfileChange.objects.create(organization=tree["G"], key="regular_meeting_day", new_value=5)
    assert str(change).startswith("Bộ quy tắc — Đảng bộ xã Tân Thành — regular_meeting_day (")
    state = AccountState.objects.create(user=personas["member"])
    assert str(state) == "Trạng thái tài khoản member"


@pytest.fixture
def every_record(personas, tree, meeting):
    """At least one record of every registered model of the covered apps."""
    Position.objects.create(member=tree["M1"], organization=tree["C1"], title="bi_thu", start=date(2020, 1, 1))
    MemberPeriod.objects.create(member=tree["M1"], kind="exempt", start=date(2024, 1, 1), reason="Tuổi cao")
    JobFailure.objects.create(task="chibo.test", label="Gửi thư thông báo", error="SMTP không trả lời")
    MailDelivery.objects.create(key="k1", recipient="a@example.vn", subject="Thông báo họp")
    Notification.objects.create(user=personas["secretary"], kind="notice", key="notice-due:C1-2025-01",
                                day=date(2025, 1, 1), text="Chi bộ thôn Đông: thông báo triệu tập cần gửi.")
    SecurityPolicy.current().save()
    QualityRecord.objects.create(meeting=meeting, scorer=tree["M1"], groups={"preparation": 8})
    ScoringSheet.objects.create(organization=tree["G"], code="tan-thanh-2026", name="Phiếu chấm Tân Thành",
                                data={"groups": [], "bands": {"tot": 90, "kha": 70, "trung_binh": 50}})
    FeeRecord.objects.create(member=tree["M1"], month=date(2026, 2, 1), category="bhxh", base=6_800_000, due=68_000,
                             paid=68_000, paid_on=date(2026, 2, 3), channel="cash", collector=tree["M1"])
    Relief.objects.create(member=tree["M2"], kind="reduce_50", basis="5.2", from_month=date(2026, 4, 1),
                          to_month=date(2026, 9, 1), decided_by=tree["G"], reason="Gia đình có người ốm nặng")
    from chibo.meetings.models import Speech
    from chibo.supervision import services as supervision

    Position.objects.create(member=tree["M4"], organization=tree["G"], title="pho_bi_thu", start=date(2020, 1, 1))
    supervision.visit_plan_add(tree["G"], cell=tree["C1"], assignee=tree["M4"], year=2025, half=1, meeting=meeting)
    supervision.visit_record(meeting, committee=tree["G"], member=tree["M4"], remarks="Tốt", today=date(2025, 3, 1))
    orientation = supervision.orientation_publish(tree["G"], year=2025, month=1, title="Định hướng tháng 1")
    supervision.orientation_uptake_record(orientation, meeting)
    speech = Speech.objects.create(meeting=meeting, member=tree["M2"], summary="Đề nghị sửa đường liên thôn.")
    supervision.recommendation_send(meeting, topic="economy", speech=speech, user=personas["secretary"])
    return personas


def test_the_admin_screens_of_the_covered_apps_are_vietnamese(every_record, client_for):
    client = client_for(every_record["admin"])
    walked = []
    for model in admin.site._registry:
        opts = model._meta
        changelist = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        assert changelist.status_code == 200, opts.label
        pages = [changelist]
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            change = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
            assert change.status_code == 200, opts.label
            pages.append(change)
        for page in pages:
            text = text_of(page)
            # every page lists every model in its side bar: the covered ones must read Vietnamese there too
            for covered in covered_models():
                plural = str(covered._meta.verbose_name_plural)
                assert f"{covered._meta.verbose_name}s " not in text.lower(), (opts.label, covered._meta.label)
                if covered in admin.site._registry:
                    assert plural[:1].upper() + plural[1:] in text, (opts.label, plural)
            if opts.app_label in COVERED:
                assert "object (" not in text, (opts.label, text)
                assert ENGLISH.search(text) is None, (opts.label, ENGLISH.search(text).group(0), text)
        if opts.app_label in COVERED:
            walked.append(opts.label)
    assert sorted(walked) == ["accounts.SecurityPolicy", "changelog.LogEntry", "fees.FeeRecord", "fees.Relief",
                              "jobs.JobFailure", "jobs.MailDelivery",
                              "meetings.QualityRecord", "orgs.Member", "orgs.Organization", "orgs.Position", "orgs.Role",
                              "reminders.Notification", "rules.ScoringSheet",
                              "supervision.Orientation", "supervision.OrientationUptake", "supervision.Recommendation",
                              "supervision.Visit", "supervision.VisitPlan"]


def test_the_log_screen_reads_like_the_log_page(every_record, client_for):
    from chibo.changelog.models import LogEntry

    client = client_for(every_record["admin"])
    role = Role.objects.get(user__username="secretary")
    entry = LogEntry.objects.get(content_type__model="role", object_pk=str(role.pk))
    text = text_of(client.get(reverse("admin:changelog_logentry_change", args=[entry.pk])))
    assert "Bí thư / thư ký chi bộ — Chi bộ thôn Đông — secretary" in text
    assert "Thêm" in text and "Hệ thống" in text
    listing = text_of(client.get(reverse("admin:changelog_logentry_changelist")))
    assert "vai trò: Bí thư / thư ký chi bộ — Chi bộ thôn Đông — secretary" in listing


def test_the_api_docs_name_no_external_host(personas, client_for):
    """/api/docs (django-ninja's bundled Swagger UI) loads everything from this server."""
    response = client_for(personas["member"]).get("/api/docs")
    assert response.status_code == 200
    page = response.content.decode()
    urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", page)
    assert urls, page
    assert [u for u in urls if not u.startswith("/") or u.startswith("//")] == []
    assert re.search(r"https?://", page) is None
