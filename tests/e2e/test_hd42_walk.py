"""HD 42 scoring walked in a phone-sized browser (issue 14 items 2, 3 and 5): the committee defines
its scoring sheet and names it in its rule profile; the cell's fee keeper (Role.Kind.FEES) enters
the month's dues in the ledger and records two members' payments; the cell's secretary assigns the scorer on
the preparation page, sees the month's fee status at the recording page's opening (paid against
due, the unpaid member named), scores the entered groups on the closing step (each box
saved on change) and records the cell's adoption; the committee's staff decide the official grade
on the meeting page, which then shows it, and the minutes (Word) print the score, the grade and
the decision. axe-core (WCAG 2.0/2.1 A and AA) runs on every page
visited and finds nothing; no page scrolls sideways."""

import os
from datetime import time

import docx
import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from django.contrib.auth import get_user_model  # noqa: E402
from django.utils import timezone  # noqa: E402

from chibo.fees import calculator  # noqa: E402
from chibo.fees.models import FeeRecord  # noqa: E402
from chibo.meetings.models import Attendance, Meeting, QualityRecord  # noqa: E402
from chibo.orgs.models import Member, Role  # noqa: E402
from chibo.rules.models import RuleProfile, ScoringSheet  # noqa: E402
from tests.conftest import PASSWORD  # noqa: E402
from tests.e2e.test_month_walk import Walk  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_sheet_scorer_score_adoption_and_official_grade(live_server, personas, tree, browser):
    today = timezone.localdate()
    meeting = Meeting.objects.create(ident="C1-HD42-1", organization=tree["C1"], kind="regular", date=today,
                                     status="held", start=time(19, 30), end=time(21, 0), place="Nhà văn hóa",
                                     chair=tree["M1"], secretary=tree["M2"])
    for i, code in enumerate(["M1", "M2", "M3"]):
        Attendance.objects.create(meeting=meeting, member=tree[code], position=i, status="present")
    walks = []

    # --- the committee defines its sheet (starting from the built-in frame) and names it ----------
    staff = Walk(browser, live_server, "staff")
    walks.append(staff)
    staff.page.goto(staff.url("/to-chuc/G/quy-tac/"))
    staff.check()
    staff.click(staff.page.get_by_role("link", name="Phiếu chấm điểm chất lượng sinh hoạt (Hướng dẫn 42)"),
                "/to-chuc/G/phieu-cham/")
    staff.click(staff.page.get_by_role("link", name="Lập phiếu chấm mới"), "/to-chuc/G/phieu-cham/moi/")
    page = staff.page
    page.fill("#id_code", "tan-thanh-2026")
    page.fill("#id_name", "Phiếu chấm của Đảng ủy xã Tân Thành")
    page.fill("#id_g-3-name", "Tổ chức sinh hoạt, điều hành")
    staff.click(page.get_by_role("button", name="Lưu phiếu chấm"), "/to-chuc/G/phieu-cham/tan-thanh-2026/")
    assert ScoringSheet.objects.get().data["groups"][3]["name"] == "Tổ chức sinh hoạt, điều hành"
    staff.page.goto(staff.url("/to-chuc/G/quy-tac/"))
    staff.check()
    staff.page.select_option("#id_rubric", "tan-thanh-2026")
    staff.click(staff.page.get_by_role("button", name="Lưu bộ quy tắc"), "/to-chuc/G/quy-tac/")
    assert RuleProfile.objects.get(organization=tree["G"]).values["rubric"] == "tan-thanh-2026"

    # --- the cell's fee keeper enters the month's dues and two payments ------------------------------
    keeper_user = get_user_model().objects.create_user("thuquy", password=PASSWORD)
    Role.objects.create(user=keeper_user, organization=tree["C1"], kind=Role.Kind.FEES)
    Member.objects.filter(pk=tree["M3"].pk).update(user=keeper_user)
    key = calculator.month_key(today)
    keeper = Walk(browser, live_server, "thuquy")
    walks.append(keeper)
    page = keeper.page
    page.goto(keeper.url(f"/dang-phi/C1/?thang={key}"))
    keeper.check()
    for n, name in enumerate(("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường")):
        keeper.click(page.get_by_role("link", name=f"Nhập: {name}"), f"/dang-phi/C1/{key}/M{n + 1}/")
        page.select_option("#id_category", "pension")  # in both rate tables: 0.5% of the pension
        page.fill("#id_base", "4000000")
        keeper.click(page.get_by_role("button", name="Lưu"), f"/dang-phi/C1/?thang={key}")
    for name in ("Nguyễn Văn An", "Trần Thị Bình"):
        keeper.click(page.get_by_role("link", name=f"Sửa, ghi nộp: {name}"))
        assert page.locator("#current").inner_text() == (
            "Phải đóng 20.000 đồng, sau miễn, giảm 20.000 đồng; đã nộp 0 đồng.")
        page.fill("#id_pay-paid", "20000")
        page.select_option("#id_pay-channel", "portal")
        keeper.click(page.get_by_role("button", name="Ghi nộp"), f"/dang-phi/C1/?thang={key}")
    assert sorted(FeeRecord.objects.values_list("member__code", "due", "paid", "channel")) == [
        ("M1", 20000, 20000, "portal"), ("M2", 20000, 20000, "portal"), ("M3", 20000, 0, "")]

    # --- the secretary assigns the scorer, scores and records the adoption -------------------------
    secretary = Walk(browser, live_server, "secretary")
    walks.append(secretary)
    secretary.page.goto(secretary.url(f"/sinh-hoat/{meeting.ident}/chuan-bi/"))
    secretary.check()
    page = secretary.page
    page.select_option("#id_scorer", "M2")
    secretary.click(page.get_by_role("button", name="Lưu các bước chuẩn bị"), f"/sinh-hoat/{meeting.ident}/chuan-bi/")
    assert "Người theo dõi, chấm điểm: Trần Thị Bình" in page.locator(".hd42-steps").inner_text()
    page.goto(secretary.url(f"/sinh-hoat/{meeting.ident}/ghi/"))
    secretary.check()
    # The opening announces the month's fee status (rules-v2.md §8.3): paid against due, who is unpaid.
    fees = page.locator(".fee-status")
    assert fees.locator("h2").inner_text() == f"Đảng phí tháng {today:%m/%Y}"
    assert fees.locator("p").all_inner_texts()[:2] == [
        "Đã nộp 40.000 / 60.000 đồng phải đóng sau miễn, giảm (3 đồng chí có sổ).", "Chưa nộp đủ: Lê Văn Cường."]
    section = page.locator("#s-danh-gia")
    assert "Tổ chức sinh hoạt, điều hành (tối đa 40)" in section.inner_text()
    for n, (gid, value) in enumerate({"preparation": "9", "organisation": "38", "principles": "5",
                                      "closing": "5"}.items(), start=2):
        page.fill(f"#q-{gid}", value)
        page.locator(f"#q-{gid}").press("Tab")  # leaving the box saves it
        page.wait_for_function("(v) => document.getElementById('s-danh-gia').dataset.version === v", arg=str(n))
    page.fill("#q-preparation", "11")  # refused: the box stays outlined with the message
    page.locator("#q-preparation").press("Tab")
    refused = page.locator('[data-key="quality:preparation"] .err')
    refused.wait_for(state="visible")
    assert refused.inner_text() == "Điểm “Công tác chuẩn bị” phải là số nguyên từ 0 đến 10."
    page.fill("#q-preparation", "9")
    page.locator("#q-preparation").press("Tab")
    refused.wait_for(state="hidden")
    secretary.page.reload()
    secretary.check()
    secretary.click(page.get_by_role("button", name="Chi bộ đã biểu quyết thông qua điểm"),
                    f"/sinh-hoat/{meeting.ident}/")
    record = QualityRecord.objects.get()
    assert (record.groups, record.status, record.scorer.code) == (
        {"preparation": 9, "organisation": 38, "principles": 5, "closing": 5}, "adopted", "M2")

    # --- the committee's staff decide the official grade ------------------------------------------
    staff.page.goto(staff.url(f"/sinh-hoat/{meeting.ident}/"))
    staff.check()
    staff.page.select_option("#id_official_grade", "kha")
    staff.click(staff.page.get_by_role("button", name="Quyết định xếp loại"), f"/sinh-hoat/{meeting.ident}/")
    shown = staff.page.locator("#quality").inner_text()
    # 5 (90 minutes) + 5 (3/3, no repeated absence) + 9 + 38 + 5 + 30 (no previous task) + 5 = 97
    assert "97/100" in shown and "Tốt" in shown
    assert "Cấp trên đã quyết định xếp loại: Khá" in shown
    assert QualityRecord.objects.get().official_grade == "kha"

    # --- the minutes show the score, the grade and the committee's decision -----------------------
    with staff.page.expect_download() as word:
        staff.page.get_by_role("link", name="Biên bản (Word)").click()
    assert word.value.suggested_filename.endswith(".docx")
    minutes = "\n".join(p.text for p in docx.Document(word.value.path()).paragraphs)
    assert "Tổng điểm: 97/100; xếp loại: Tốt." in minutes
    assert "Cấp ủy cấp trên quyết định xếp loại: Khá." in minutes

    for walk in walks:
        walk.close()
    assert [p for w in walks for p in w.problems] == []
