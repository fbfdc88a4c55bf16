"""The year plan: the pure schedule (exact dates, no database), then plan_year, meetings added by
hand, the thematic plan and the cell's meeting list page."""

from datetime import date, time

import pytest
from django.core.exceptions import ValidationError

from chibo.meetings.planning import yearplan
from chibo.meetings.planning.yearplan import Existing, PlanError, Slot, Topic, year_schedule


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """The personas are created with passwords: a cheap hasher keeps this module fast."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# --- pure schedule ---------------------------------------------------------------------------------


def brief(slots):
    return [(s.ident, s.kind, s.date, s.topic) for s in slots]


def test_default_year_day_3_with_quarter_placeholders_combined_in_the_middle_month():
    assert brief(year_schedule("C1", 2026, 3)) == [
        ("C1-2026-01", "regular", date(2026, 1, 3), ""),
        ("C1-2026-02", "combined", date(2026, 2, 3), ""),
        ("C1-2026-03", "regular", date(2026, 3, 3), ""),
        ("C1-2026-04", "regular", date(2026, 4, 3), ""),
        ("C1-2026-05", "combined", date(2026, 5, 3), ""),  # a Sunday: kept
        ("C1-2026-06", "regular", date(2026, 6, 3), ""),
        ("C1-2026-07", "regular", date(2026, 7, 3), ""),
        ("C1-2026-08", "combined", date(2026, 8, 3), ""),
        ("C1-2026-09", "regular", date(2026, 9, 3), ""),
        ("C1-2026-10", "regular", date(2026, 10, 3), ""),
        ("C1-2026-11", "combined", date(2026, 11, 3), ""),
        ("C1-2026-12", "regular", date(2026, 12, 3), ""),
    ]
    assert [s.placeholder for s in year_schedule("C1", 2026, 3)] == [False, True, False] * 4
    assert date(2026, 5, 3).weekday() == 6


def test_profile_day_5():
    slots = year_schedule("CB", 2025, 5)
    assert [s.date for s in slots] == [date(2025, m, 5) for m in range(1, 13)]
    assert slots[0].date.weekday() == 6  # 05/01/2025 is a Sunday and stays
    assert [s.ident for s in slots][:2] == ["CB-2025-01", "CB-2025-02"]


def test_day_beyond_the_month_end_is_the_last_day():
    assert [s.date for s in year_schedule("C", 2026, 31)] == [
        date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30), date(2026, 5, 31),
        date(2026, 6, 30), date(2026, 7, 31), date(2026, 8, 31), date(2026, 9, 30), date(2026, 10, 31),
        date(2026, 11, 30), date(2026, 12, 31)]
    assert year_schedule("C", 2028, 30)[1].date == date(2028, 2, 29)  # leap year


def test_year_boundaries():
    dec = year_schedule("C1", 2025, 3)[-1]
    jan = year_schedule("C1", 2026, 3)[0]
    assert (dec.ident, dec.date, dec.quarter) == ("C1-2025-12", date(2025, 12, 3), 4)
    assert (jan.ident, jan.date, jan.quarter) == ("C1-2026-01", date(2026, 1, 3), 1)
    assert all(s.date.year == 2025 for s in year_schedule("C1", 2025, 31))
    # A topic dated in the next year does not belong to this year's plan.
    with pytest.raises(PlanError) as exc:
        year_schedule("C1", 2025, 3, [Topic(4, "Chuyển đổi số", planned_date=date(2026, 1, 3))])
    assert str(exc.value) == "Ngày dự kiến 03/01/2026 của chuyên đề “Chuyển đổi số” không thuộc quý 4 năm 2025."


def test_thematic_plan_rows():
    topics = [
        Topic(1, "Học tập tư tưởng Hồ Chí Minh", presenter=7),  # undated: middle month, combined
        Topic(1, "Chuyển đổi số", planned_date=date(2026, 1, 3)),  # on January's regular date: combined
        Topic(2, "Xây dựng nông thôn mới", planned_date=date(2026, 4, 20)),  # another day: separate
        Topic(2, "An ninh trật tự", planned_date=date(2026, 6, 15)),  # a second separate one
    ]
    slots = year_schedule("C1", 2026, 3, topics)
    assert [(s.ident, s.kind, s.date, s.topic, s.presenter) for s in slots if s.kind != "regular"] == [
        ("C1-2026-01", "combined", date(2026, 1, 3), "Chuyển đổi số", None),
        ("C1-2026-02", "combined", date(2026, 2, 3), "Học tập tư tưởng Hồ Chí Minh", 7),
        ("C1-2026-Q2-CD", "thematic", date(2026, 4, 20), "Xây dựng nông thôn mới", None),
        ("C1-2026-Q2-CD2", "thematic", date(2026, 6, 15), "An ninh trật tự", None),
        ("C1-2026-08", "combined", date(2026, 8, 3), "", None),
        ("C1-2026-11", "combined", date(2026, 11, 3), "", None),
    ]
    assert len(slots) == 14


def test_undated_topics_take_middle_then_first_then_last_month():
    slots = year_schedule("C1", 2026, 3, [Topic(3, "A"), Topic(3, "B"), Topic(3, "C")])
    assert [(s.date.month, s.kind, s.topic) for s in slots if s.quarter == 3] == [
        (7, "combined", "B"), (8, "combined", "A"), (9, "combined", "C")]
    with pytest.raises(PlanError) as exc:
        year_schedule("C1", 2026, 3, [Topic(3, t) for t in "ABCD"])
    assert str(exc.value).startswith("Quý 3 có quá nhiều chuyên đề chưa có ngày dự kiến")


def test_not_combined_gives_separate_thematic_meetings_on_the_middle_month_date():
    slots = year_schedule("C1", 2026, 3, [Topic(1, "Nghị quyết Đại hội")], combine=False)
    assert [(s.ident, s.kind, s.date, s.topic, s.placeholder) for s in slots if s.kind != "regular"] == [
        ("C1-2026-Q1-CD", "thematic", date(2026, 2, 3), "Nghị quyết Đại hội", False),
        ("C1-2026-Q2-CD", "thematic", date(2026, 5, 3), "", True),
        ("C1-2026-Q3-CD", "thematic", date(2026, 8, 3), "", True),
        ("C1-2026-Q4-CD", "thematic", date(2026, 11, 3), "", True),
    ]
    assert sum(s.kind == "regular" for s in slots) == 12


def test_bad_input():
    with pytest.raises(PlanError):
        year_schedule("C1", 2026, 0)
    with pytest.raises(PlanError):
        year_schedule("C1", 2026, 3, [Topic(5, "X")])


def test_cell_founded_mid_year():
    slots = year_schedule("C1", 2026, 3, start=date(2026, 9, 10))
    assert brief(slots) == [("C1-2026-10", "regular", date(2026, 10, 3), ""),
                            ("C1-2026-11", "combined", date(2026, 11, 3), ""),
                            ("C1-2026-12", "regular", date(2026, 12, 3), "")]


def test_plan_changes_against_existing_meetings():
    schedule = year_schedule("C1", 2026, 3, [Topic(2, "Chuyển đổi số")])
    existing = [
        Existing("C1-2026-01", "regular", date(2026, 1, 3), "finalized"),
        Existing("OLD-FEB", "regular", date(2026, 2, 10), "held"),  # another ident, same month: kept
        Existing("C1-2026-05", "regular", date(2026, 5, 3), "planned"),  # takes the plan's topic
        Existing("C1-2026-Q3-X", "thematic", date(2026, 7, 20), "planned", "Đề tài riêng"),
    ]
    changes = yearplan.plan_changes(schedule, existing)
    assert [(e.ident, s.ident) for e, s in changes.keep] == [("C1-2026-01", "C1-2026-01"), ("OLD-FEB", "C1-2026-02")]
    assert [(e.ident, s.kind, s.topic) for e, s in changes.fill] == [("C1-2026-05", "combined", "Chuyển đổi số")]
    # Q3 already has a thematic meeting: August's placeholder is a plain regular meeting.
    assert [(s.ident, s.kind) for s in changes.create] == [
        ("C1-2026-03", "regular"), ("C1-2026-04", "regular"), ("C1-2026-06", "regular"), ("C1-2026-07", "regular"),
        ("C1-2026-08", "regular"), ("C1-2026-09", "regular"), ("C1-2026-10", "regular"),
        ("C1-2026-11", "combined"), ("C1-2026-12", "regular")]


def test_plan_changes_never_fills_meetings_held_or_with_a_topic():
    schedule = [Slot("C1-2026-05", "combined", date(2026, 5, 3), 2, "Mới")]
    for e in (Existing("C1-2026-05", "regular", date(2026, 5, 3), "held"),
              Existing("C1-2026-05", "combined", date(2026, 5, 3), "planned", "Cũ"),
              Existing("C1-2026-05", "regular", date(2026, 5, 3), "notified")):
        changes = yearplan.plan_changes(schedule, [e])
        assert (changes.create, changes.fill, len(changes.keep)) == ([], [], 1)


def test_idents_of_meetings_added_by_hand():
    assert yearplan.adhoc_ident_base("C1", "extraordinary", date(2026, 3, 9)) == ("C1-2026-03-BT", "")
    assert yearplan.adhoc_ident_base("C1", "thematic", date(2026, 3, 9)) == ("C1-2026-Q1-CD", "")
    assert yearplan.adhoc_ident_base("C1", "regular", date(2026, 3, 9)) == ("C1-2026-03", "-")
    assert yearplan.next_free_ident("C1-2026-03-BT", ["C1-2026-03-BT", "C1-2026-03-BT2"]) == "C1-2026-03-BT3"
    assert yearplan.next_free_ident("C1-2026-03", ["C1-2026-03"], "-") == "C1-2026-03-2"
    assert yearplan.next_free_ident("X", []) == "X"


def test_meeting_agenda_from_the_official_order():
    regular = yearplan.meeting_agenda(yearplan.ORDER_OF_BUSINESS, "regular")
    assert regular == list(yearplan.ORDER_OF_BUSINESS)
    assert [s for s, _t in regular] == ["opening"] * 4 + ["body"] * 4 + ["closing"] * 4
    combined = yearplan.meeting_agenda(yearplan.ORDER_OF_BUSINESS, "combined", "Chuyển đổi  số")
    assert combined[8:10] == [("body", "Trình bày đề dẫn chuyên đề: Chuyển đổi số"),
                              ("body", "Tham luận, thảo luận chuyên đề")]
    assert len(combined) == 14
    assert yearplan.clean_agenda([("closing", "Z"), ("opening", " A  b "), ("body", "  ")]) == [
        ("opening", "A b"), ("closing", "Z")]
    with pytest.raises(PlanError):
        yearplan.clean_agenda([("lunch", "Ăn trưa")])


# --- plan_year and friends (database) -------------------------------------------------------------


@pytest.fixture
def svc():
    from chibo.meetings.planning import services

    return services


def rows(cell, year):
    from chibo.meetings.models import Meeting

    return list(Meeting.objects.filter(organization=cell, date__year=year).order_by("date", "ident")
                .values_list("ident", "kind", "date", "status", "topic"))


def test_plan_year_creates_the_year_and_is_idempotent(tree, svc):
    from chibo.meetings.models import AgendaItem, Meeting, ThematicPrep

    result = svc.plan_year(tree["C1"], 2026, None)
    assert [m.ident for m in result.created] == [f"C1-2026-{m:02d}" for m in range(1, 13)]
    assert rows(tree["C1"], 2026)[:3] == [
        ("C1-2026-01", "regular", date(2026, 1, 3), "planned", ""),
        ("C1-2026-02", "combined", date(2026, 2, 3), "planned", ""),
        ("C1-2026-03", "regular", date(2026, 3, 3), "planned", "")]
    assert AgendaItem.objects.filter(meeting__ident="C1-2026-01").count() == 12
    assert AgendaItem.objects.filter(meeting__ident="C1-2026-02").count() == 14
    assert ThematicPrep.objects.filter(meeting__organization=tree["C1"]).count() == 4
    before = rows(tree["C1"], 2026)
    again = svc.plan_year(tree["C1"], 2026, None)
    assert (again.created, again.filled, again.kept) == ([], [], 12)
    assert rows(tree["C1"], 2026) == before
    assert Meeting.objects.count() == 12
    assert AgendaItem.objects.count() == 8 * 12 + 4 * 14


def test_plan_year_with_profile_day_5_leaves_held_meetings_alone(tree, meeting, svc):
    from chibo.meetings.models import Meeting
    from chibo.rules.services import profile_update

    profile_update(tree["G"], user=None, values={"regular_meeting_day": 5})
    before = Meeting.objects.filter(pk=meeting.pk).values().get()
    result = svc.plan_year(tree["C1"], 2025, None)
    assert [m.ident for m in result.created][:2] == ["C1-2025-02", "C1-2025-03"]
    assert [m.date for m in result.created][:2] == [date(2025, 2, 5), date(2025, 3, 5)]
    assert len(result.created) == 11 and result.kept == 1
    assert Meeting.objects.filter(pk=meeting.pk).values().get() == before  # held January meeting untouched
    assert svc.plan_year(tree["C1"], 2025, None).created == []


def test_plan_year_uses_the_thematic_plan_and_fills_planned_meetings(tree, svc):
    from chibo.meetings.models import Meeting, ThematicPrep

    svc.plan_year(tree["C1"], 2026, None)
    svc.thematic_plan_save(tree["C1"], 2026, [
        {"quarter": 2, "topic": "Chuyển đổi số", "presenter": tree["M1"], "planned_date": None},
        {"quarter": 3, "topic": "Nông thôn mới", "presenter": None, "planned_date": date(2026, 8, 20)},
    ])
    result = svc.plan_year(tree["C1"], 2026, None)
    assert [m.ident for m in result.filled] == ["C1-2026-05"]
    assert [(m.ident, m.kind, m.date, m.topic) for m in result.created] == [
        ("C1-2026-Q3-CD", "thematic", date(2026, 8, 20), "Nông thôn mới")]
    may = Meeting.objects.get(ident="C1-2026-05")
    assert (may.kind, may.topic, may.status) == ("combined", "Chuyển đổi số", "planned")
    assert ThematicPrep.objects.get(meeting=may).presenter == tree["M1"]
    # The untouched agenda copy follows the topic.
    assert list(may.agenda.order_by("position").values_list("title", flat=True))[8:10] == [
        "Trình bày đề dẫn chuyên đề: Chuyển đổi số", "Tham luận, thảo luận chuyên đề"]
    assert svc.plan_year(tree["C1"], 2026, None).created == []


def test_plan_year_refuses_idents_of_another_cell_and_non_cells(tree, svc):
    from chibo.meetings.models import Meeting

    Meeting.objects.create(ident="C1-2026-04", organization=tree["C2"], kind="regular", date=date(2026, 4, 3))
    with pytest.raises(ValidationError) as exc:
        svc.plan_year(tree["C1"], 2026, None)
    assert exc.value.messages == [
        "Mã cuộc họp C1-2026-04 đã được dùng cho cuộc họp khác; không thể lập kế hoạch."]
    assert Meeting.objects.filter(organization=tree["C1"]).count() == 0
    with pytest.raises(ValidationError):
        svc.plan_year(tree["G"], 2026, None)


def test_meeting_create_extraordinary(tree, svc):
    from chibo.meetings.models import AgendaItem

    m1 = svc.meeting_create(tree["C1"], kind="extraordinary", date=date(2026, 3, 9), start=time(8, 0),
                            place=" Hội trường  thôn ", topic="Kết nạp đảng viên")
    m2 = svc.meeting_create(tree["C1"], date=date(2026, 3, 20))
    assert (m1.ident, m1.kind, m1.status, m1.place) == ("C1-2026-03-BT", "extraordinary", "planned", "Hội trường thôn")
    assert (m2.ident, m2.kind) == ("C1-2026-03-BT2", "extraordinary")
    assert AgendaItem.objects.filter(meeting=m1).count() == 12


def test_thematic_plan_save_and_report(tree, svc):
    from chibo.meetings.models import ThematicPlan

    plan = [{"quarter": q, "topic": f"Chuyên đề quý {q}", "presenter": None, "planned_date": None} for q in (1, 2, 3)]
    svc.thematic_plan_save(tree["C1"], 2026, plan)
    with pytest.raises(ValidationError) as exc:
        svc.thematic_plan_report(tree["C1"], 2026)
    assert exc.value.messages == [
        "Mỗi quý phải có ít nhất một chuyên đề trước khi báo cáo cấp trên; còn thiếu quý 4."]
    plan.append({"quarter": 4, "topic": "Chuyên đề quý 4", "presenter": None, "planned_date": None})
    svc.thematic_plan_save(tree["C1"], 2026, plan)
    assert svc.thematic_plan_report(tree["C1"], 2026) == 4
    assert ThematicPlan.objects.filter(reported_at__isnull=True).count() == 0
    svc.thematic_plan_save(tree["C1"], 2026, plan)  # unchanged: stays reported
    assert ThematicPlan.objects.filter(reported_at__isnull=True).count() == 0
    plan[0]["topic"] = "Đổi chuyên đề"
    svc.thematic_plan_save(tree["C1"], 2026, plan)  # changed: must be reported again
    assert ThematicPlan.objects.filter(reported_at__isnull=True).count() == 4
    with pytest.raises(ValidationError) as exc:
        svc.thematic_plan_save(tree["C1"], 2026, [{"quarter": 1, "topic": "X", "presenter": tree["M4"],
                                                   "planned_date": None}])
    assert exc.value.message_dict == {"presenter": ["Đồng chí Phạm Văn Dũng không sinh hoạt tại Chi bộ thôn Đông."]}
    with pytest.raises(ValidationError) as exc:
        svc.thematic_plan_save(tree["C1"], 2026, [{"quarter": 1, "topic": "X", "presenter": None,
                                                   "planned_date": date(2026, 4, 1)}])
    assert exc.value.message_dict == {"planned_date": ["Ngày dự kiến 01/04/2026 không thuộc quý 1 năm 2026."]}


# --- the cell's meeting list page -----------------------------------------------------------------


def test_meeting_list_shows_the_year_and_buttons(personas, tree, client_for, svc):
    svc.plan_year(tree["C1"], 2026, None)
    page = client_for(personas["secretary"]).get("/to-chuc/C1/sinh-hoat/?nam=2026").content.decode()
    assert "Lập kế hoạch năm" in page and "Thêm sinh hoạt bất thường" in page
    assert page.count('class="meeting"') == 12
    assert "Chủ nhật, 03/05/2026" in page
    assert "Chưa có sinh hoạt thường kỳ" not in page
    page = client_for(personas["member"]).get("/to-chuc/C1/sinh-hoat/?nam=2026").content.decode()
    assert "Lập kế hoạch năm" not in page and "Thêm sinh hoạt bất thường" not in page
    page = client_for(personas["member"]).get("/to-chuc/C1/sinh-hoat/?nam=2027").content.decode()
    assert page.count("Chưa có sinh hoạt thường kỳ") == 12


def test_meeting_list_constant_queries(personas, tree, client_for, svc, django_assert_num_queries):
    from chibo.meetings.models import Meeting

    client = client_for(personas["secretary"])
    Meeting.objects.create(ident="X1", organization=tree["C1"], kind="regular", date=date(2026, 1, 3))

    # session, user, the scope: 1 query (roles, member id, member's cells), organisation, profile (2:
    # organisations and overrides), meetings of the year, their attendance figures from the engine (the
    # roll: members, memberships, periods; the attendance rows), thematic plan, calendar token; the top
    # bar's count of the member's notices not opened (chibo.notices)
    with django_assert_num_queries(14):
        assert client.get("/to-chuc/C1/sinh-hoat/?nam=2026").status_code == 200
    svc.plan_year(tree["C1"], 2026, None)
    svc.meeting_create(tree["C1"], date=date(2026, 6, 9))
    with django_assert_num_queries(14):
        assert client.get("/to-chuc/C1/sinh-hoat/?nam=2026").status_code == 200


def test_plan_year_page_preview_and_post(personas, tree, client_for):
    from chibo.meetings.models import Meeting

    client = client_for(personas["secretary"])
    page = client.get("/to-chuc/C1/sinh-hoat/ke-hoach/?year=2026&combine=on").content.decode()
    assert "Sẽ tạo mới (12)" in page
    assert Meeting.objects.count() == 0
    response = client.post("/to-chuc/C1/sinh-hoat/ke-hoach/", {"year": "2026", "combine": "on"})
    assert response.status_code == 302 and response["Location"] == "/to-chuc/C1/sinh-hoat/?nam=2026"
    assert Meeting.objects.count() == 12
    page = client.get("/to-chuc/C1/sinh-hoat/ke-hoach/?year=2026").content.decode()  # combine unticked
    assert "Sẽ tạo mới (0)" in page


def test_committee_sees_the_subtree_thematic_plans_in_constant_queries(personas, tree, client_for, svc,
                                                                      django_assert_num_queries):
    from chibo.orgs import services as org_services

    svc.thematic_plan_save(tree["C1"], 2026, [
        {"quarter": q, "topic": f"Chuyên đề {q}", "presenter": tree["M1"], "planned_date": None} for q in (1, 2, 3, 4)])
    svc.thematic_plan_report(tree["C1"], 2026)
    client = client_for(personas["staff"])
    # session, user, the scope: 1 query (roles, member id), organisation, count of cells, page of cells,
    # their plans, the top bar's counts
    with django_assert_num_queries(8):
        page = client.get("/to-chuc/G/ke-hoach-chuyen-de/?nam=2026").content.decode()
    assert page.count("<tr data-cell=") == 2
    assert "Chuyên đề 3 <span class=\"muted\">(Nguyễn Văn An)</span>" in page
    assert "Đã báo cáo" in page and "Chưa có kế hoạch" in page
    for i in range(5):
        cell = org_services.org_create(code=f"CX{i}", name=f"Chi bộ {i}", kind="chi_bo", parent=tree["G"])
        svc.thematic_plan_save(cell, 2026, [{"quarter": 1, "topic": "A", "presenter": None, "planned_date": None}])
    with django_assert_num_queries(8):
        page = client.get("/to-chuc/G/ke-hoach-chuyen-de/?nam=2026").content.decode()
    assert page.count("<tr data-cell=") == 7
