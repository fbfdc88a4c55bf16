"""Input limits (issue 7, point 6): codes in the safe alphabet, integers that fit their columns,
sizes of texts, rows and uploads, dates within 1900..2100, query parameters that do not parse
give 400, a counted secret ballot keeps its kind. Each test reproduces a finding first."""

import io
import json
from datetime import date, time
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from chibo import limits
from chibo.interchange.db import bundle_import
from chibo.interchange.validate import parse_bundle
from chibo.meetings.ballot import services as ballot
from chibo.meetings.models import Meeting, MeetingDocument, Speech, Task, Vote
from chibo.meetings.recording import services
from chibo.orgs import member_import
from chibo.orgs import services as org_services
from chibo.orgs.codes import CODE_MESSAGE, CODE_RE
from chibo.orgs.models import Organization
from tests.access_matrix import snapshot

pytestmark = pytest.mark.django_db
EXAMPLES = Path(__file__).parent / "data" / "examples"
URL = "/sinh-hoat/C1-2025-01/"


def run(*args) -> tuple[int, str, str]:
    """A management command as from the command line: exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    import sys

    old = sys.stdout
    sys.stdout = out
    try:
        call_command(*args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    finally:
        sys.stdout = old
    return code, out.getvalue(), err.getvalue()


def example():
    return json.loads((EXAMPLES / "quy_mot.json").read_text(encoding="utf-8"))


def import_doc(doc, tmp_path):
    f = tmp_path / "bundle.json"
    f.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return run("import", str(f))


# --- A. codes: letters, digits, "-", "_", "." ------------------------------------------------------

def test_example_bundles_use_the_safe_alphabet():
    for path in EXAMPLES.glob("*.json"):
        if path.name.endswith(".audit.json"):
            continue
        doc = json.loads(path.read_text(encoding="utf-8"))
        codes = [o["code"] for o in doc["organizations"]] + [m["code"] for m in doc.get("members", [])]
        codes += [m["id"] for m in doc.get("meetings", [])]
        assert all(CODE_RE.match(c) for c in codes), path.name


def test_org_code_with_a_slash_is_refused_by_the_form_and_the_tree_still_opens(client_for, personas):
    client = client_for(personas["admin"])
    before = snapshot()
    response = client.post("/to-chuc/them/?parent=G",
                           {"code": "C1/2", "name": "Chi bộ mới", "kind": "chi_bo", "parent": "G"})
    assert response.status_code == 200
    assert response.context["form"].errors["code"] == [CODE_MESSAGE]
    assert snapshot() == before
    for url in ("/to-chuc/", "/to-chuc/G/", "/to-chuc/G/kiem-tra/", "/to-chuc/G/ke-hoach-chuyen-de/"):
        assert client.get(url).status_code == 200, url


def test_codes_are_refused_by_the_services(tree):
    for code in ("A/B", "a b", "-X", "Mã", "x\ny"):
        with pytest.raises(ValidationError) as exc:
            org_services.org_create(code=code, name="Chi bộ", kind="chi_bo", parent=tree["G"])
        assert exc.value.message_dict == {"code": [CODE_MESSAGE]}
        with pytest.raises(ValidationError) as exc:
            org_services.member_create(code=code, full_name="Lý Văn Hai", organization=tree["C1"],
                                       start=date(2025, 1, 1))
        assert exc.value.message_dict == {"code": [CODE_MESSAGE]}
    assert org_services.org_create(code="C1.a_b-2", name="Chi bộ", kind="chi_bo", parent=tree["G"]).code == "C1.a_b-2"


def test_member_code_with_a_slash_is_refused_by_the_form(client_for, personas):
    client = client_for(personas["secretary"])
    before = snapshot()
    response = client.post("/to-chuc/C1/them-dang-vien/", {"code": "M/9", "full_name": "Lý Văn Hai",
                                                           "start": "01/01/2025"})
    assert response.status_code == 200
    assert response.context["form"].errors["code"] == [CODE_MESSAGE]
    assert snapshot() == before


def xlsx(rows, blank_after=0):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = member_import.DATA_SHEET_TITLE
    ws.append(list(member_import.HEADERS))
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


ROW = ["DV/1", "Hồ Thị Lan", "Nữ", "", "19/05/2005", "", "C1", "01/01/2025", "", "", ""]


def test_excel_import_refuses_a_code_with_a_slash():
    with pytest.raises(member_import.ImportErrors) as exc:
        member_import.parse_members_xlsx(xlsx([ROW]), known_cells={"C1"}, existing_codes=set())
    assert [(e.row, e.column, e.message) for e in exc.value.errors] == [
        (2, "Mã đảng viên", f"mã 'DV/1' không hợp lệ. {CODE_MESSAGE}")]


def test_chibo_import_refuses_codes_outside_the_alphabet(tmp_path):
    doc = example()
    root = doc["organizations"][0]["code"]
    doc["organizations"][1]["code"] = "CB/1"
    doc["members"][0]["code"] = "M 01"
    doc["meetings"][0]["id"] = "CB1/2025"
    before = snapshot()
    code, out, err = import_doc(doc, tmp_path)
    assert (code, out) == (2, "")
    reasons = [line for line in err.splitlines() if "không hợp lệ. Mã chỉ" in line]
    assert reasons == [
        f"$.organizations[1].code: mã 'CB/1' không hợp lệ. {CODE_MESSAGE}",
        f"$.members[0].code: mã 'M 01' không hợp lệ. {CODE_MESSAGE}",
        f"$.meetings[0].id: mã 'CB1/2025' không hợp lệ. {CODE_MESSAGE}",
    ]
    assert snapshot() == before
    assert not Organization.objects.filter(code=root).exists()


# --- B. integers fit their columns ---------------------------------------------------------------

@pytest.mark.parametrize("count,shown", [(10**30, "1000000000000000000000000000000"),
                                         (2**62, "4611686018427387904"), (2**31, "2147483648")])
def test_chibo_import_refuses_vote_counts_the_column_cannot_hold(tmp_path, count, shown):
    doc = example()
    doc["meetings"][0]["votes"][0]["for"] = count
    before = snapshot()
    code, out, err = import_doc(doc, tmp_path)
    assert (code, out) == (2, "")
    assert err.splitlines() == [f"$.meetings[0].votes[0].for: số {shown} quá lớn: tối đa 2.147.483.647",
                                "Dữ liệu không hợp lệ: 1 lỗi; không có gì được lưu."]
    assert snapshot() == before


def test_the_largest_count_the_column_holds_is_stored(tmp_path):
    doc = example()
    doc["meetings"][0]["votes"][0]["abstain"] = 2147483647
    code, _out, err = import_doc(doc, tmp_path)
    assert code == 0, err
    assert Vote.objects.filter(votes_abstain=2147483647).count() == 1


def test_bundle_import_checks_the_limits_itself():
    doc = example()
    doc["meetings"][0]["votes"][0]["for"] = 2**62
    bundle = parse_bundle(json.dumps(doc))  # an audit reads it
    from chibo.interchange.db import ImportConflict

    with pytest.raises(ImportConflict) as exc:
        bundle_import(bundle)
    assert exc.value.errors == [("$.meetings[0].votes[0].for", "số 4611686018427387904 quá lớn: tối đa 2.147.483.647")]


def test_recording_refuses_counts_the_column_cannot_hold(meeting, client_for, personas):
    with pytest.raises(ValidationError) as exc:
        services.vote_record(meeting, 0, kind="resolution", method="show_of_hands", votes_for=2**62)
    assert exc.value.message_dict == {"votes_for": ["Số phiếu tán thành quá lớn."]}
    client = client_for(personas["secretary"])
    body = client.post(URL + "ghi/bieu-quyet/", {"position": "0", "kind": "resolution", "method": "show_of_hands",
                                                "votes_for": str(10**30)})
    assert body.status_code == 400
    assert body.json() == {"ok": False, "field": "votes_for", "error": "Số phiếu tán thành quá lớn."}
    assert not Vote.objects.exists()


# --- C. sizes of texts, rows, uploads --------------------------------------------------------------

def test_speech_summary_limit(meeting, tree, client_for, personas):
    top = limits.TEXT_LIMITS["speech.summary"]
    services.speech_save(meeting, 0, member=tree["M1"], summary="ý" * top)
    with pytest.raises(ValidationError) as exc:
        services.speech_save(meeting, 1, member=tree["M1"], summary="ý" * (top + 1))
    assert exc.value.message_dict == {"summary": ["Tóm tắt ý kiến dài quá 3.000 ký tự."]}
    body = client_for(personas["secretary"]).post(URL + "ghi/phat-bieu/", {
        "position": "1", "member": "M1", "summary": "ý" * (top + 1)})
    assert body.status_code == 400 and body.json()["error"] == "Tóm tắt ý kiến dài quá 3.000 ký tự."
    assert Speech.objects.count() == 1


def test_conclusion_and_task_limits(meeting, tree, client_for, personas):
    client = client_for(personas["secretary"])
    body = client.post(URL + "ghi/thong-tin/", {"field": "conclusion", "value": "k" * 10_001})
    assert body.status_code == 400 and body.json() == {"ok": False, "field": "conclusion",
                                                      "error": "Kết luận dài quá 10.000 ký tự."}
    assert client.post(URL + "ghi/thong-tin/", {"field": "resolution_text", "value": "n" * 20_000}).status_code == 200
    body = client.post(URL + "ghi/nhiem-vu/", {"position": "0", "description": "v" * 1_001})
    assert body.status_code == 400 and body.json()["error"] == "Nội dung nhiệm vụ dài quá 1.000 ký tự."
    meeting.refresh_from_db()
    assert (meeting.conclusion, len(meeting.resolution_text), Task.objects.count()) == ("", 20_000, 0)


def test_the_minutes_as_a_whole_have_a_limit(meeting, tree):
    summary = "ý" * limits.TEXT_LIMITS["speech.summary"]
    speeches = limits.MINUTES_TEXT_LIMIT // len(summary)
    for position in range(speeches):
        services.speech_save(meeting, position, member=tree["M1"], summary=summary)
    services.meeting_field_set(meeting, "conclusion", "k" * (limits.MINUTES_TEXT_LIMIT - speeches * len(summary)))
    services.meeting_field_set(meeting, "resolution_text", "n" * 20_000)  # printed in the resolution
    with pytest.raises(ValidationError) as exc:
        services.task_save(meeting, 0, description="Một nhiệm vụ")
    assert exc.value.message_dict == {"description": [
        "Biên bản dài quá 25.000 ký tự (kết luận, ý kiến phát biểu và nhiệm vụ cộng lại); hãy tóm tắt ngắn hơn."]}
    services.speech_save(meeting, 0, member=tree["M1"], summary="Ngắn hơn.")  # replacing a row is measured
    services.task_save(meeting, 0, description="Một nhiệm vụ")


def test_rows_of_a_meeting_have_a_limit(meeting, tree):
    Speech.objects.bulk_create([Speech(meeting=meeting, position=i, member=tree["M1"])
                                for i in range(limits.ROW_LIMITS["speeches"])])
    with pytest.raises(ValidationError) as exc:
        services.speech_save(meeting, 500, member=tree["M1"], summary="Thêm")
    assert exc.value.messages == ["Một biên bản có tối đa 60 ý kiến phát biểu."]
    services.speech_save(meeting, 3, member=tree["M1"], summary="Sửa một ý kiến đã có")


def test_chibo_import_refuses_texts_and_rows_over_the_limits(tmp_path):
    doc = example()
    speeches = doc["meetings"][0]["speeches"]
    speeches[0]["summary"] = "ý" * 3_001
    doc["meetings"][1]["speeches"] = [dict(speeches[1]) for _ in range(61)]
    doc["meetings"][2]["conclusion"] = "k" * 10_000
    doc["meetings"][2]["tasks"] = []
    doc["meetings"][2]["speeches"] = [dict(speeches[1], summary="ý" * 3_000) for _ in range(6)]
    code, _out, err = import_doc(doc, tmp_path)
    assert code == 2
    assert err.splitlines()[:3] == [
        "$.meetings[0].speeches[0].summary: dài 3001 ký tự, tối đa 3000 ký tự",
        "$.meetings[1].speeches: quá nhiều ý kiến phát biểu trong một cuộc họp: 61, tối đa 60",
        "$.meetings[2]: biên bản quá dài: kết luận, ý kiến phát biểu và nhiệm vụ cộng lại 28.000 ký tự, "
        "tối đa 25.000 ký tự"]


def test_the_printed_amendment_history_shortens_long_values():
    from chibo.meetings.documents.adapter import _changes_text

    long = "Chi bộ thống nhất. " * 100
    text = _changes_text({"conclusion": {"label": "Kết luận", "old": long, "new": ""}})
    assert text == f"Kết luận: {long[:limits.AMENDMENT_SHOWN].rstrip()}… (1.900 ký tự) → (trống)"


def test_an_oversized_document_is_refused_next_to_the_field(meeting, client_for, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    Meeting.objects.filter(pk=meeting.pk).update(status="planned", date=date(2099, 1, 1))
    client = client_for(personas["secretary"])
    big = SimpleUploadedFile("bao-cao.pdf", b"%" * (limits.DOCUMENT_MAX_BYTES + 1), content_type="application/pdf")
    response = client.post(URL + "tai-lieu/", {"title": "Báo cáo", "file": big})
    assert response.status_code == 400  # the preparation page again, the title kept
    assert response.context["document_form"].errors == {"file": ["Tệp lớn quá 20 MB."]}
    assert 'id="id_file_error"><li>Tệp lớn quá 20 MB.</li>' in response.content.decode()
    assert 'value="Báo cáo"' in response.content.decode()
    assert not MeetingDocument.objects.exists()


def test_capped_upload_handler_keeps_the_real_size_and_stores_no_more_than_the_limit():
    from chibo.uploads import CappedTemporaryFileUploadHandler

    handler = CappedTemporaryFileUploadHandler()
    handler.limit = 10
    handler.new_file("file", "a.pdf", "application/pdf", 30)
    for start in range(0, 30, 8):
        handler.receive_data_chunk(b"x" * 8, start)
    upload = handler.file_complete(32)
    assert upload.size == 32 and len(upload.read()) == 11


def test_member_import_file_size_and_blank_rows(client_for, personas):
    client = client_for(personas["secretary"])
    big = SimpleUploadedFile("ds.xlsx", b"x" * (limits.SPREADSHEET_MAX_BYTES + 1))
    response = client.post("/to-chuc/C1/nhap-excel/", {"file": big})
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["Tệp lớn quá 5 MB."]
    with pytest.raises(member_import.ImportErrors) as exc:
        member_import.parse_members_xlsx(b"x" * (limits.MB + 1), known_cells=set(), existing_codes=set(),
                                         max_bytes=limits.MB)
    assert [(e.row, e.message) for e in exc.value.errors] == [(0, "tệp lớn quá 1 MB")]
    with pytest.raises(member_import.ImportErrors) as exc:  # a small file that unpacks to much
        member_import.parse_members_xlsx(xlsx([ROW] * 4_000), known_cells=set(), existing_codes=set(),
                                         max_unpacked=limits.MB)
    assert [(e.row, e.message) for e in exc.value.errors] == [
        (0, "tệp chứa quá nhiều dữ liệu (giải nén ra hơn 1 MB): hãy xóa các dòng, cột thừa rồi lưu lại")]
    good = ["DV-1", "Hồ Thị Lan", "Nữ", "", "19/05/2005", "", "C1", "01/01/2025", "", "", ""]
    later = ["DV-2", "Hồ Thị Mai", "Nữ", "", "19/05/2005", "", "C1", "01/01/2025", "", "", ""]
    data = xlsx([good, *([None] * 5 for _ in range(4)), later])
    rows = member_import.parse_members_xlsx(data, known_cells={"C1"}, existing_codes=set(), blank_run=3)
    assert [r.code for r in rows] == ["DV-1"]  # reading stopped after 3 blank rows in a row
    rows = member_import.parse_members_xlsx(data, known_cells={"C1"}, existing_codes=set())
    assert [r.code for r in rows] == ["DV-1", "DV-2"]


# --- D. dates within 1900..2100; query parameters; calendar feeds ------------------------------------

def test_absurd_dates_are_refused_at_input(meeting, tree, client_for, personas, tmp_path):
    client = client_for(personas["secretary"])
    body = client.post(URL + "ghi/nhiem-vu/", {"position": "0", "description": "Việc", "due": "31/12/9999"})
    assert body.status_code == 400 and body.json() == {"ok": False, "field": "due", "error": "Năm phải từ 1900 đến 2100."}
    body = client.post(URL + "ghi/thong-tin/", {"field": "notice_sent_on", "value": "01/01/1800"})
    assert body.status_code == 400 and body.json()["error"] == "Năm phải từ 1900 đến 2100."
    response = client.post("/to-chuc/C1/sinh-hoat/them/", {"kind": "extraordinary", "date": "31/12/9999"})
    assert response.status_code == 200 and response.context["form"].errors["date"] == ["Năm phải từ 1900 đến 2100."]
    doc = example()
    doc["meetings"][0]["tasks"] = [{"description": "Việc", "due": "9999-12-31"}]
    code, _out, err = import_doc(doc, tmp_path)
    assert code == 2
    assert err.splitlines()[0] == ("$.meetings[0].tasks[0].due: ngày 31/12/9999 nằm ngoài khoảng cho phép "
                                   "(năm 1900 đến 2100)")


def test_calendar_feeds_survive_the_last_day_a_date_holds(meeting, tree, client, personas):
    from chibo.meetings.planning import services as planning_services

    Meeting.objects.create(ident="C1-9999", organization=tree["C1"], kind="regular", date=date.max)
    Meeting.objects.create(ident="C1-9999b", organization=tree["C1"], kind="regular", date=date.max,
                           start=time(23, 30))
    Task.objects.create(meeting=meeting, position=0, assignee=tree["M2"], description="Việc", due=date.max)
    for token in (planning_services.calendar_token_get(user=personas["secretary"], organization=tree["C1"]).token,
                  planning_services.calendar_token_get(user=personas["member"], member=tree["M2"]).token):
        response = client.get(f"/lich/{token}.ics")
        assert response.status_code == 200
        text = response.content.decode()
        assert "DTSTART;VALUE=DATE:99991231" in text


@pytest.mark.parametrize("url,message", [
    ("/to-chuc/C1/sinh-hoat/ke-hoach/?year=abc", "Năm không hợp lệ: phải là số nguyên."),
    ("/to-chuc/C1/sinh-hoat/ke-hoach/?year=3000", "Năm phải từ 2000 đến 2100."),
    ("/to-chuc/C1/sinh-hoat/ke-hoach/?nam=99999999999999999999", "Năm không hợp lệ: phải là số nguyên."),
    ("/to-chuc/C1/sinh-hoat/?nam=abc", "Năm không hợp lệ: phải là số nguyên."),
    ("/to-chuc/G/ke-hoach-chuyen-de/?nam=1999", "Năm phải từ 2000 đến 2100."),
    ("/to-chuc/G/ke-hoach-chuyen-de/?trang=abc", "Số trang không hợp lệ: phải là số nguyên."),
    ("/to-chuc/C1/?ngay=31/02/2025", "Ngày &#x27;31/02/2025&#x27; không hợp lệ (định dạng dd/mm/yyyy)."),
    ("/to-chuc/C1/?ngay=31/12/9999", "Ngày 31/12/9999 không hợp lệ: năm phải từ 1900 đến 2100."),
    ("/to-chuc/G/kiem-tra/?tu=abc", "Ngày &#x27;abc&#x27; không hợp lệ (định dạng dd/mm/yyyy)."),
    ("/to-chuc/G/kiem-tra/?den=2025-13-01", "Ngày &#x27;2025-13-01&#x27; không hợp lệ (định dạng dd/mm/yyyy)."),
    ("/to-chuc/G/kiem-tra/?xet=01/01/0001", "Ngày 01/01/0001 không hợp lệ: năm phải từ 1900 đến 2100."),
])
def test_query_parameters_that_do_not_parse_give_400(meeting, client_for, personas, url, message):
    response = client_for(personas["admin"]).get(url)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Yêu cầu không hợp lệ" in page and message in page


def test_good_query_parameters_still_work(meeting, client_for, personas):
    client = client_for(personas["admin"])
    for url in ("/to-chuc/C1/sinh-hoat/ke-hoach/?year=2026&combine=on", "/to-chuc/C1/sinh-hoat/?nam=2025",
                "/to-chuc/C1/?ngay=03/01/2025", "/to-chuc/C1/?ngay=2025-01-03",
                "/to-chuc/G/kiem-tra/?tu=01/01/2025&den=30/06/2025", "/to-chuc/G/ke-hoach-chuyen-de/?trang=2"):
        assert client.get(url).status_code == 200, url


def test_a_bad_year_posted_to_the_year_plan_is_a_form_error(meeting, client_for, personas):
    response = client_for(personas["secretary"]).post("/to-chuc/C1/sinh-hoat/ke-hoach/", {"year": "abc"})
    assert response.status_code == 200
    assert response.context["form"].errors["year"] == ["Năm không hợp lệ."]


def test_an_unreadable_request_gets_the_general_400_page(client, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    response = client.get("/to-chuc/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "evil.example" not in response.content.decode()


# --- F. a counted secret ballot keeps its kind and subject ------------------------------------------

def test_kind_and_subject_of_an_electronic_secret_ballot_cannot_change(meeting, tree, personas):
    vote = Vote.objects.create(meeting=meeting, position=0, kind="admission", method="secret_ballot",
                               subject="Kết nạp quần chúng Lê Văn Tư")
    box = ballot.ballot_open(vote, personas["secretary"])
    for member, choice in ((tree["M1"], "for"), (tree["M2"], "against")):
        ballot.ballot_cast(box, member, choice)
    ballot.ballot_close(box, personas["secretary"])
    vote.refresh_from_db()
    same = {"method": "secret_ballot", "votes_for": vote.votes_for, "votes_against": vote.votes_against,
            "votes_abstain": vote.votes_abstain, "votes_invalid": vote.votes_invalid}
    with pytest.raises(ValidationError) as exc:
        services.vote_record(meeting, 0, kind="resolution", subject=vote.subject, **same)
    assert exc.value.message_dict == {"kind": [
        "Biểu quyết này đã bỏ phiếu kín điện tử: không thể đổi loại biểu quyết (loại quyết định tỷ lệ cần đạt "
        "để thông qua)."]}
    with pytest.raises(ValidationError) as exc:
        services.vote_record(meeting, 0, kind="admission", subject="Nội dung khác", **same)
    assert exc.value.message_dict == {"subject": [
        "Biểu quyết này đã bỏ phiếu kín điện tử: không thể đổi nội dung biểu quyết."]}
    vote.refresh_from_db()
    assert (vote.kind, vote.subject) == ("admission", "Kết nạp quần chúng Lê Văn Tư")
    services.vote_record(meeting, 0, kind="admission", subject=vote.subject, **same)  # an unchanged save
