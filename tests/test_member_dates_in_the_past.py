"""Sanity checks of a member's dates (issue 13 item 5: "a member born in the future"): dates of
birth and admission are in the past and in order, on the member forms (the services) and in the
Excel import too, which used to accept a date of birth or admission after today. Each refusal
changes nothing."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from chibo.orgs import services as org_services
from chibo.orgs.access import scope_for
from chibo.orgs.importing import import_members
from chibo.orgs.models import Member
from tests.access_matrix import snapshot
from tests.test_member_import import errors_of, make_xlsx

ROW = ["DV001", "Nguyễn Văn An", "Nam", "05/09/1980", "03/02/2010", "03/02/2011", "CB01", "01/01/2020",
       None, None, None]


def test_the_import_refuses_a_birth_or_admission_after_today():
    today = date(2025, 6, 1)
    born_tomorrow = ROW[:3] + ["02/06/2025", "03/06/2025", None] + ROW[6:]
    joined_tomorrow = ["DV002", "Trần Thị Bình", "Nữ", "05/09/1980", "02/06/2025", None] + ROW[6:]
    assert errors_of(make_xlsx([born_tomorrow, joined_tomorrow]), today=today) == [
        (2, "Ngày sinh", "ngày sinh 02/06/2025 sau hôm nay"),
        (2, "Ngày vào Đảng", "ngày vào Đảng 03/06/2025 sau hôm nay"),
        (3, "Ngày vào Đảng", "ngày vào Đảng 02/06/2025 sau hôm nay"),
    ]
    # Today itself is not after today.
    assert errors_of(make_xlsx([ROW[:3] + ["01/06/2025", "01/06/2025", None] + ROW[6:]]), today=today) == [
        (2, "Ngày vào Đảng", "ngày vào Đảng 01/06/2025 phải sau ngày sinh 01/06/2025")]


@pytest.mark.django_db
def test_an_import_with_a_birth_after_today_saves_nothing(personas, tree):
    tomorrow = timezone.localdate() + timedelta(days=1)
    row = ["N01", "Hồ Thị Lan", "Nữ", f"{tomorrow:%d/%m/%Y}", "19/05/2005", "19/05/2006", "C1", "01/01/2025",
           None, None, None]
    before = snapshot()
    result = import_members(make_xlsx([row]), scope=scope_for(personas["admin"]))
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (2, "Ngày sinh", f"ngày sinh {tomorrow:%d/%m/%Y} sau hôm nay"),
        (2, "Ngày vào Đảng", f"ngày vào Đảng 19/05/2005 phải sau ngày sinh {tomorrow:%d/%m/%Y}")]
    assert result.count == 0
    assert snapshot() == before


@pytest.mark.django_db
def test_the_member_services_refuse_the_same(tree):
    tomorrow = timezone.localdate() + timedelta(days=1)
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        org_services.member_create(code="N02", organization=tree["C1"], start=date(2025, 1, 1), full_name="Vũ Nam",
                                   birth_date=tomorrow)
    assert exc.value.message_dict == {"birth_date": ["Ngày sinh không được sau hôm nay."]}
    with pytest.raises(ValidationError) as exc:
        org_services.member_create(code="N02", organization=tree["C1"], start=date(2025, 1, 1), full_name="Vũ Nam",
                                   birth_date=date(1990, 1, 1), joined_on=date(2000, 1, 1))
    assert exc.value.message_dict == {"joined_on": ["Ngày vào Đảng phải từ khi đủ 18 tuổi (từ 01/01/2008)."]}
    assert snapshot() == before
    assert not Member.objects.filter(code="N02").exists()
