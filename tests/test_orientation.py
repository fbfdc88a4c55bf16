"""The committee's monthly orientation of its cells' meetings (chibo/supervision): publishing,
what the cells see on their start and preparation pages, taking it up into a meeting's agenda
with one action, and the committee's page of which cells took it up."""

import re
from datetime import date, time

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from chibo.changelog.models import LogEntry
from chibo.home import services as home_services
from chibo.meetings import dates
from chibo.meetings.models import AgendaItem
from chibo.meetings.planning import services as planning_services
from chibo.orgs import services as org_services
from chibo.supervision import services
from chibo.supervision.models import Orientation, OrientationUptake
from tests.access_matrix import PERSONAS, snapshot

TODAY = date(2025, 1, 20)
FORM = {"month": "2", "year": "2025", "title": "Học tập Nghị quyết Trung ương",
        "content": "Quán triệt nội dung cơ bản.\nLiên hệ nhiệm vụ của thôn.",
        "documents": "Nghị quyết số 18-NQ/TW\n\nĐề cương tuyên truyền"}


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(dates, "today", lambda: TODAY)


@pytest.fixture
def feb(tree):
    """C1's regular meeting of 03/02/2025 (agenda from the template), C2's of 05/02/2025."""
    planning_services.meeting_create(tree["C2"], kind="regular", date=date(2025, 2, 5))
    return planning_services.meeting_create(tree["C1"], kind="regular", date=date(2025, 2, 3), start=time(19, 30))


@pytest.fixture
def orientation(tree, personas):
    return services.orientation_publish(tree["G"], year=2025, month=2, title="Học tập Nghị quyết Trung ương",
                                        content="Quán triệt nội dung cơ bản.",
                                        documents="Nghị quyết số 18-NQ/TW\nĐề cương tuyên truyền",
                                        user=personas["staff"])


def agenda(meeting):
    return list(AgendaItem.objects.filter(meeting=meeting).order_by("position").values_list("section", "title", "notes"))


# --- publishing ----------------------------------------------------------------------------------------

def test_staff_publish_for_a_month(personas, tree, client_for):
    client = client_for(personas["staff"])
    page = client.get("/to-chuc/G/dinh-huong/").content.decode()
    day = timezone.localdate()  # this month pre-filled
    assert f'name="month" value="{day.month}"' in page and f'name="year" value="{day.year}"' in page
    response = client.post("/to-chuc/G/dinh-huong/", FORM)
    o = Orientation.objects.get()
    assert response["Location"] == f"/dinh-huong/{o.pk}/"
    assert (o.organization, o.year, o.month, o.title, o.content, o.documents, o.published_by) == (
        tree["G"], 2025, 2, "Học tập Nghị quyết Trung ương", "Quán triệt nội dung cơ bản.\nLiên hệ nhiệm vụ của thôn.",
        "Nghị quyết số 18-NQ/TW\nĐề cương tuyên truyền", personas["staff"])
    entry = LogEntry.objects.get(content_type__model="orientation", object_pk=str(o.pk))
    assert (entry.action, entry.actor) == (LogEntry.Action.CREATE, personas["staff"])
    assert f" {tree['G'].path}" in entry.org_paths  # the committee's subtree reads it
    listing = client.get("/to-chuc/G/dinh-huong/").content.decode()
    assert f'<td>02/2025</td><td><a href="/dinh-huong/{o.pk}/">Học tập Nghị quyết Trung ương</a></td><td>0</td>' in listing


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"title": "  "}, "title", "Trường này bắt buộc."),
    ({"month": "13"}, "month", "Tháng phải từ 1 đến 12."),
    ({"month": "x"}, "month", "Tháng phải là số từ 1 đến 12."),
    ({"year": "1800"}, "year", "Năm phải từ 1900 đến 2100."),
    ({"title": "C" * 256}, "title", "Chủ đề dài quá 255 ký tự."),
    ({"content": "n" * 5001}, "content", "Nội dung định hướng dài quá 5.000 ký tự."),
    ({"documents": "d" * 2001}, "documents", "Tài liệu nghiên cứu dài quá 2.000 ký tự."),
])
def test_bad_input_is_refused_next_to_its_field_and_changes_nothing(personas, client_for, change, field, message):
    client = client_for(personas["staff"])
    before = snapshot()
    response = client.post("/to-chuc/G/dinh-huong/", {**FORM, **change})
    page = response.content.decode()
    assert response.status_code == 400
    assert snapshot() == before
    errors = re.search(rf'<div class="field-error">\s*<label for="id_{field}">.*?<ul class="errorlist"[^>]*>(.*?)</ul>', page,
                       re.S)
    assert errors and errors.group(1) == f"<li>{message}</li>"  # next to the field
    other = next(k for k in ("title", "content") if k not in change)
    assert FORM[other].split("\n")[0] in page  # what was typed is kept


def test_a_cell_does_not_publish(tree):
    with pytest.raises(ValidationError) as err:
        services.orientation_publish(tree["C1"], year=2025, month=2, title="X")
    assert err.value.messages == ["Chỉ cấp ủy cấp trên chi bộ mới ban hành định hướng sinh hoạt chi bộ."]
    assert not Orientation.objects.exists()


#: persona -> status of POST /to-chuc/G/dinh-huong/ (publish for G's cells)
PUBLISH = {"admin": 302, "staff": 302, "designated": 302, "secretary": 404, "member": 404, "other": 404,
           "sibling": 404, "rival": 404, "anonymous": 302}


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_publish(personas, tree, client_for, persona):
    client = client_for(personas[persona])
    before = snapshot()
    response = client.post("/to-chuc/G/dinh-huong/", FORM)
    assert response.status_code == PUBLISH[persona]
    if persona in ("admin", "staff", "designated"):
        assert Orientation.objects.get().organization == tree["G"]
    else:
        assert snapshot() == before
        if persona == "anonymous":
            assert response["Location"].startswith("/dang-nhap/")


@pytest.mark.parametrize(("persona", "code", "status"), [
    ("secretary", "C1", 403),  # a cell reads its own page but does not publish
    ("staff", "C1", 404),  # a cell has no orientation page
    ("rival", "G2", 302),
    ("rival", "G", 404),  # a committee outside the subtree
    ("staff", "P", 404),  # the committee above is not theirs
])
def test_publishing_elsewhere_is_refused(personas, tree, client_for, persona, code, status):
    client = client_for(personas[persona])
    before = snapshot()
    response = client.post(f"/to-chuc/{code}/dinh-huong/", FORM)
    assert response.status_code == status
    if status != 302:
        assert snapshot() == before
        assert client.get(f"/to-chuc/{code}/dinh-huong/").status_code == status


# --- what the cells see, and taking it up ----------------------------------------------------------------

def test_cells_below_see_it_on_their_start_and_preparation_pages(personas, tree, feb, orientation, client_for):
    start = client_for(personas["secretary"]).get("/").content.decode()
    assert f'data-orientation="{orientation.pk}"' in start
    assert "Học tập Nghị quyết Trung ương" in start and "Đề cương tuyên truyền" in start
    button = f'action="/sinh-hoat/C1-2025-02/dinh-huong/{orientation.pk}/"'
    assert button in start and "Đưa vào chương trình cuộc họp ngày 03/02/2025" in start
    prep = client_for(personas["secretary"]).get("/sinh-hoat/C1-2025-02/chuan-bi/").content.decode()
    assert 'id="dinh-huong"' in prep and button in prep
    # A member sees it, without the button; a cell of another committee does not see it.
    prep = client_for(personas["member"]).get("/sinh-hoat/C1-2025-02/chuan-bi/").content.decode()
    assert f'data-orientation="{orientation.pk}"' in prep and button not in prep
    c3 = planning_services.meeting_create(tree["C3"], kind="regular", date=date(2025, 2, 3))
    prep = client_for(personas["admin"]).get(f"/sinh-hoat/{c3.ident}/chuan-bi/").content.decode()
    assert 'id="dinh-huong"' not in prep
    # Another month's meeting does not show February's orientation.
    march = planning_services.meeting_create(tree["C1"], kind="regular", date=date(2025, 3, 3))
    prep = client_for(personas["secretary"]).get(f"/sinh-hoat/{march.ident}/chuan-bi/").content.decode()
    assert 'id="dinh-huong"' not in prep


def test_one_action_adds_it_to_the_agenda_and_the_committee_sees_it(personas, tree, feb, orientation, client_for):
    before = agenda(feb)
    client = client_for(personas["secretary"])
    response = client.post(f"/sinh-hoat/C1-2025-02/dinh-huong/{orientation.pk}/", {"next": "/"})
    assert response["Location"] == "/"
    after = agenda(feb)
    body = [row for row in before if row[0] == "body"]
    added = ("body", "Quán triệt định hướng của Đảng bộ xã Tân Thành: Học tập Nghị quyết Trung ương",
             "Nghị quyết số 18-NQ/TW\nĐề cương tuyên truyền")
    assert after == [r for r in before if r[0] == "opening"] + body + [added] + [r for r in before if r[0] == "closing"]
    uptake = OrientationUptake.objects.get()
    assert (uptake.orientation, uptake.organization, uptake.meeting, uptake.taken_by) == (
        orientation, tree["C1"], feb, personas["secretary"])
    start = client.get("/").content.decode()
    assert "Đã đưa vào chương trình" in start and f"/dinh-huong/{orientation.pk}/\"" not in start
    page = client_for(personas["staff"]).get(f"/dinh-huong/{orientation.pk}/").content.decode()
    assert '<span id="uptake-count">1/2</span>' in page
    assert ('<tr data-cell="C1"><td><a href="/to-chuc/C1/">Chi bộ thôn Đông</a></td>\n<td><span class="tag ok">Đã đưa vào'
            '</span> <a href="/sinh-hoat/C1-2025-02/chuan-bi/">cuộc họp ngày 03/02/2025</a>') in page
    assert '<tr data-cell="C2"><td><a href="/to-chuc/C2/">Chi bộ thôn Tây</a></td>\n<td><span class="tag warn">Chưa' in page
    # A second time is refused and changes nothing.
    state = snapshot()
    response = client.post(f"/sinh-hoat/C1-2025-02/dinh-huong/{orientation.pk}/", follow=True)
    assert "Chi bộ đã đưa định hướng này vào chương trình cuộc họp ngày 03/02/2025." in response.content.decode()
    assert snapshot() == state


def test_taking_up_is_refused_for_a_held_meeting_or_a_full_agenda(personas, tree, feb, orientation, meeting):
    with pytest.raises(ValidationError) as err:
        home_services.orientation_take_up(meeting, orientation, personas["secretary"])
    assert err.value.messages == ["Chỉ đưa định hướng vào chương trình của cuộc họp chưa diễn ra."]
    from chibo.meetings.preparation import services as prep_services

    prep_services.agenda_save(feb, [("body", f"Mục {i}", "") for i in range(20)])
    with pytest.raises(ValidationError) as err:
        home_services.orientation_take_up(feb, orientation, personas["secretary"])
    assert err.value.messages == ["Chương trình có tối đa 20 mục chương trình."]
    assert not OrientationUptake.objects.exists() and len(agenda(feb)) == 20


def test_another_committees_orientation_cannot_be_taken_up(personas, tree, feb):
    other = services.orientation_publish(tree["G2"], year=2025, month=2, title="Của xã khác")
    with pytest.raises(ValidationError):
        services.orientation_uptake_record(other, feb)


#: persona -> status of taking G's orientation up into C1's meeting
TAKE_UP = {"admin": 302, "staff": 302, "designated": 302, "secretary": 302, "member": 403, "other": 404,
           "sibling": 404, "rival": 404, "anonymous": 302}


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_take_it_up(personas, tree, feb, orientation, client_for, persona):
    client = client_for(personas[persona])
    before = snapshot()
    response = client.post(f"/sinh-hoat/C1-2025-02/dinh-huong/{orientation.pk}/")
    assert response.status_code == TAKE_UP[persona]
    if persona in ("admin", "staff", "designated", "secretary"):
        assert OrientationUptake.objects.get().organization == tree["C1"]
    else:
        assert snapshot() == before


def test_an_orientation_from_outside_the_cells_tree_is_not_found(personas, tree, feb, client_for):
    other = services.orientation_publish(tree["G2"], year=2025, month=2, title="Của xã khác")
    client = client_for(personas["secretary"])
    before = snapshot()
    response = client.post(f"/sinh-hoat/C1-2025-02/dinh-huong/{other.pk}/")
    assert response.status_code == 404
    assert snapshot() == before


#: persona -> status of the orientation's page (G's)
DETAIL = {"admin": 200, "staff": 200, "designated": 200, "secretary": 404, "member": 404, "other": 404,
          "sibling": 404, "rival": 404, "anonymous": 302}


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_see_which_cells_took_it_up(personas, orientation, client_for, persona):
    assert client_for(personas[persona]).get(f"/dinh-huong/{orientation.pk}/").status_code == DETAIL[persona]


def test_pages_run_a_constant_number_of_queries(personas, tree, feb, orientation, client_for,
                                                django_assert_num_queries):
    client = client_for(personas["staff"])
    urls = {f"/dinh-huong/{orientation.pk}/": 7, "/to-chuc/G/dinh-huong/": 6}  # with the top bar's counts
    for url, n in urls.items():
        with django_assert_num_queries(n):
            assert client.get(url).status_code == 200
    for i in range(5):
        cell = org_services.org_create(code=f"X{i}", name=f"Chi bộ số {i}", kind="chi_bo", parent=tree["G"])
        m = planning_services.meeting_create(cell, kind="regular", date=date(2025, 2, 3 + i))
        services.orientation_uptake_record(orientation, m)
        services.orientation_publish(tree["G"], year=2025, month=1 + i, title=f"Chủ đề {i}")
    for url, n in urls.items():
        with django_assert_num_queries(n):
            page = client.get(url).content.decode()
    assert '<span id="uptake-count">5/7</span>' in client.get(f"/dinh-huong/{orientation.pk}/").content.decode()
    assert page.count("data-orientation=") == 6
