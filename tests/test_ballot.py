"""Electronic secret ballot: who may vote, once only (also under concurrent double taps), no link
between a voter and a choice, and results hidden until the box is closed."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from chibo.meetings.ballot import services as ballot
from chibo.meetings.models import Attendance, Ballot, BallotBox, BallotVoter, Meeting, Vote
from chibo.orgs import services as org_services
from chibo.orgs.models import Member, MemberPeriod, Membership
from tests.access_matrix import snapshot
from tests.conftest import PASSWORD
from tests.test_numbering import run_together, threads_share_the_database  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def add_member(tree, code, name, *, official=True, status=None, meeting=None):
    member = org_services.member_create(code=code, full_name=name, organization=tree["C1"], start=date(2020, 1, 1),
                                        joined_on=date(2010, 1, 1),
                                        official_on=date(2011, 1, 1) if official else None)
    if status:
        Attendance.objects.create(meeting=meeting, member=member, position=Attendance.objects.count(), status=status)
    return member


@pytest.fixture
def secret_vote(meeting):
    return Vote.objects.create(meeting=meeting, position=0, kind="election", method="secret_ballot",
                               subject="Bầu phó bí thư chi bộ")


@pytest.fixture
def box(secret_vote, personas):
    return ballot.ballot_open(secret_vote, personas["secretary"])


def counts(vote):
    vote.refresh_from_db()
    return vote.votes_for, vote.votes_against, vote.votes_abstain, vote.votes_invalid


# --- the schema keeps no link between voter and choice --------------------------------------------


def test_ballot_rows_carry_no_voter_and_no_time():
    fields = {f.name: f for f in Ballot._meta.get_fields()}
    assert set(fields) == {"id", "box", "choice"}
    assert isinstance(fields["id"], models.UUIDField) and fields["id"].primary_key
    assert fields["box"].related_model is BallotBox
    related = {f.related_model for f in Ballot._meta.get_fields() if f.is_relation}
    assert related == {BallotBox}  # no Member, no User, no BallotVoter
    assert not [f for f in Ballot._meta.get_fields()
                if isinstance(f, models.DateField | models.TimeField | models.DurationField)]
    assert not [f for f in Ballot._meta.get_fields() if isinstance(f, models.AutoField | models.BigAutoField)]
    # Who has voted: member and box only, nothing about the ballot or the moment.
    voter_fields = {f.name: f for f in BallotVoter._meta.get_fields()}
    assert set(voter_fields) == {"id", "box", "member"}
    assert {f.related_model for f in BallotVoter._meta.get_fields() if f.is_relation} == {BallotBox, Member}


def test_ballots_come_back_in_random_key_order_not_casting_order(tree, meeting, box, personas):
    voters = [add_member(tree, f"V{n:02d}", f"Đảng viên Số {n:02d}", status="present", meeting=meeting)
              for n in range(40)]
    cast_order = ["for"] * 20 + ["against"] * 20  # the choice follows the casting order
    for member, choice in zip(voters, cast_order, strict=True):
        ballot.ballot_cast(box, member, choice)
    rows = ballot.ballots_of(box)
    assert len(rows) == 40
    assert [pk for pk, _ in rows] == sorted(pk for pk, _ in rows)
    assert all(pk.version == 4 for pk, _ in rows)
    # Read back in key order, the choices no longer follow the casting order (chance: 1 in 1.4e11).
    assert [c for _, c in rows] != cast_order
    assert sorted(c for _, c in rows) == sorted(cast_order)
    # Nothing in a ballot row points to anyone: the only columns are the key, the box and the choice.
    assert set(Ballot.objects.filter(box=box).values()[0]) == {"id", "box_id", "choice"}
    # Closing reseals: fresh keys, voters rewritten in member order; the counts do not change.
    before = {pk for pk, _ in rows}
    ballot.ballot_close(box, personas["secretary"])
    after = ballot.ballots_of(box)
    assert not before & {pk for pk, _ in after}
    assert sorted(c for _, c in after) == sorted(cast_order)
    ids = list(BallotVoter.objects.filter(box=box).order_by("id").values_list("member_id", flat=True))
    assert ids == sorted(ids) and len(ids) == 40
    assert counts(box.vote) == (20, 20, 0, 0)


# --- casting ---------------------------------------------------------------------------------------


def test_cast_and_close_write_the_counts_into_the_vote(tree, meeting, box, personas):
    a = add_member(tree, "V1", "Hồ Văn Một", status="present", meeting=meeting)
    b = add_member(tree, "V2", "Hồ Văn Hai", status="late", meeting=meeting)  # late counts as present
    for member, choice in ((tree["M1"], "for"), (tree["M2"], "for"), (a, "against"), (b, "abstain")):
        ballot.ballot_cast(box, member, choice)
    state = ballot.ballot_state(box)
    assert (state.is_open, state.voted, state.eligible, state.results) == (True, 4, 4, None)
    assert counts(box.vote) == (0, 0, 0, 0)  # nothing counted while the box is open
    vote = ballot.ballot_close(box, personas["secretary"])
    assert (vote.votes_for, vote.votes_against, vote.votes_abstain, vote.votes_invalid) == (2, 1, 1, 0)
    assert counts(vote) == (2, 1, 1, 0)
    box.refresh_from_db()
    assert box.state == "closed" and box.closed_at is not None
    state = ballot.ballot_state(box)
    assert state.results == {"for": 2, "against": 1, "abstain": 1, "invalid": 0}


def test_a_member_votes_once(tree, box):
    ballot.ballot_cast(box, tree["M1"], "for")
    with pytest.raises(ValidationError) as err:
        ballot.ballot_cast(box, tree["M1"], "against")
    assert err.value.messages == ["Đồng chí đã bỏ phiếu cho nội dung này; mỗi đảng viên chỉ được bỏ một phiếu."]
    assert (BallotVoter.objects.count(), list(Ballot.objects.values_list("choice", flat=True))) == (1, ["for"])


def test_the_database_refuses_a_second_voter_row(tree, box):
    BallotVoter.objects.create(box=box, member=tree["M1"])
    with pytest.raises(IntegrityError), transaction.atomic():
        BallotVoter.objects.create(box=box, member=tree["M1"])


@pytest.mark.parametrize("choice", ["invalid", "", "yes", "FOR"])
def test_only_the_three_choices(tree, box, choice):
    with pytest.raises(ValidationError, match="Lựa chọn không hợp lệ"):
        ballot.ballot_cast(box, tree["M1"], choice)
    assert not BallotVoter.objects.exists() and not Ballot.objects.exists()


def _refused(box, member, message):
    before = snapshot()
    with pytest.raises(ValidationError) as err:
        ballot.ballot_cast(box, member, "for")
    assert err.value.messages == [message]
    assert snapshot() == before


def test_probationary_absent_and_other_cell_members_are_refused(tree, meeting, box):
    absent = add_member(tree, "V1", "Mai Văn Vắng", status="absent_excused", meeting=meeting)
    unrecorded = add_member(tree, "V2", "Mai Văn Chưa")
    _refused(box, tree["M3"], "Đảng viên dự bị không có quyền biểu quyết (Điều lệ Đảng, Điều 3).")
    _refused(box, absent, "Đồng chí chưa được điểm danh có mặt tại cuộc họp nên chưa thể bỏ phiếu.")
    _refused(box, unrecorded, "Đồng chí chưa được điểm danh có mặt tại cuộc họp nên chưa thể bỏ phiếu.")
    _refused(box, tree["M4"], "Đồng chí không có tên trong danh sách đảng viên của chi bộ vào ngày họp.")


def test_away_and_exempt_members(tree, meeting, box):
    away = add_member(tree, "V1", "Mai Văn Xa", status="present", meeting=meeting)
    MemberPeriod.objects.create(member=away, kind="away", start=date(2024, 12, 1), end=date(2025, 6, 30))
    _refused(box, away, "Đồng chí đang sinh hoạt tạm thời hoặc công tác nơi khác nên không biểu quyết tại chi bộ.")
    exempt_absent = add_member(tree, "V2", "Mai Văn Miễn")
    MemberPeriod.objects.create(member=exempt_absent, kind="exempt", start=date(2024, 1, 1))
    _refused(box, exempt_absent, "Đồng chí chưa được điểm danh có mặt tại cuộc họp nên chưa thể bỏ phiếu.")
    exempt_present = add_member(tree, "V3", "Mai Văn Đến", status="present", meeting=meeting)
    MemberPeriod.objects.create(member=exempt_present, kind="exempt", start=date(2024, 1, 1))
    ballot.ballot_cast(box, exempt_present, "for")  # an exempt member who came votes
    assert [m.code for m in ballot.eligible_voters(meeting)] == ["M1", "M2", "V3"]


def test_a_member_who_left_the_cell_before_the_meeting_is_refused(tree, box):
    Membership.objects.filter(member=tree["M2"]).update(end=date(2024, 12, 31))  # left before 03/01/2025
    _refused(box, tree["M2"], "Đồng chí không có tên trong danh sách đảng viên của chi bộ vào ngày họp.")


def test_closed_box_refuses_ballots(tree, box, personas):
    ballot.ballot_close(box, personas["secretary"])
    _refused(box, tree["M1"], "Cuộc bỏ phiếu đã kết thúc.")
    with pytest.raises(ValidationError, match="Cuộc bỏ phiếu đã kết thúc."):
        ballot.ballot_close(box, personas["secretary"])


# --- opening and closing ----------------------------------------------------------------------------


def test_open_rules(meeting, secret_vote, personas, tree):
    hands = Vote.objects.create(meeting=meeting, position=1, kind="resolution", method="show_of_hands")
    with pytest.raises(ValidationError, match="không biểu quyết bằng hình thức bỏ phiếu kín"):
        ballot.ballot_open(hands, personas["secretary"])
    # neither the chair nor a recorder of the cell (committee staff supervise, they do not conduct)
    for who in ("member", "other", "staff", "sibling", "rival"):
        with pytest.raises(ValidationError, match="Chỉ chủ trì cuộc họp hoặc cấp ủy"):
            ballot.ballot_open(secret_vote, personas[who])
    assert not BallotBox.objects.exists()
    ballot.ballot_open(secret_vote, personas["designated"])  # staff the committee designated for the cell
    with pytest.raises(ValidationError, match="đã được mở bỏ phiếu"):
        ballot.ballot_open(secret_vote, personas["secretary"])
    assert BallotBox.objects.count() == 1


def test_the_chair_opens_and_closes_from_their_own_login(meeting, secret_vote, personas, tree):
    Meeting.objects.filter(pk=meeting.pk).update(chair=tree["M2"])  # M2 logs in as 'member', manages nothing
    box = ballot.ballot_open(secret_vote, personas["member"])
    ballot.ballot_cast(box, tree["M2"], "for")
    assert ballot.ballot_close(box, personas["member"]).votes_for == 1


def test_finalized_minutes_take_no_ballot(meeting, secret_vote, personas, tree):
    box = ballot.ballot_open(secret_vote, personas["secretary"])
    other = Vote.objects.create(meeting=meeting, position=1, kind="discipline", method="secret_ballot")
    Meeting.objects.filter(pk=meeting.pk).update(status="finalized", finalized_at=timezone.now())
    with pytest.raises(ValidationError, match="đã hoàn tất và bị khóa"):
        ballot.ballot_open(other, personas["secretary"])
    _refused(box, tree["M1"], "Biên bản cuộc họp đã hoàn tất và bị khóa, không thể bỏ phiếu.")


# --- concurrency: a double tap cannot vote twice -------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("threads_share_the_database")
@pytest.mark.parametrize("round_", range(3))
def test_two_simultaneous_ballots_of_one_member_count_once(tree, meeting, personas, round_):
    vote = Vote.objects.create(meeting=meeting, position=0, kind="discipline", method="secret_ballot")
    box = ballot.ballot_open(vote, personas["secretary"])
    member = Member.objects.get(code="M1")
    results = run_together(2, lambda i: ballot.ballot_cast(box, member, ("for", "against")[i]))
    refused = [r for r in results if isinstance(r, Exception)]
    assert results.count(None) == 1 and len(refused) == 1, results
    assert isinstance(refused[0], ValidationError)
    assert refused[0].messages == ["Đồng chí đã bỏ phiếu cho nội dung này; mỗi đảng viên chỉ được bỏ một phiếu."]
    assert BallotVoter.objects.filter(box=box).count() == 1
    assert Ballot.objects.filter(box=box).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("threads_share_the_database")
def test_many_voters_at_once_and_a_close_in_the_middle(tree, meeting, personas):
    """Ten members vote while the chair closes: every ballot is either counted or refused, never lost."""
    vote = Vote.objects.create(meeting=meeting, position=0, kind="election", method="secret_ballot")
    box = ballot.ballot_open(vote, personas["secretary"])
    voters = [add_member(tree, f"V{n}", f"Đảng viên Số {n}", status="present", meeting=meeting) for n in range(10)]

    def act(i):
        if i == 10:
            return ballot.ballot_close(box, personas["secretary"])
        return ballot.ballot_cast(box, voters[i], "for")

    results = run_together(11, act)
    cast = [r for r in results[:10] if r is None]
    refused = [r for r in results[:10] if isinstance(r, ValidationError)]
    assert len(cast) + len(refused) == 10
    assert all(r.messages == ["Cuộc bỏ phiếu đã kết thúc."] for r in refused)
    vote.refresh_from_db()
    assert vote.votes_for == len(cast) == Ballot.objects.filter(box=box).count()
    assert BallotVoter.objects.filter(box=box).count() == len(cast)


# --- pages --------------------------------------------------------------------------------------------


def login_as_member(client, member, username):
    user = get_user_model().objects.create_user(username, password=PASSWORD)
    Member.objects.filter(pk=member.pk).update(user=user)
    client.force_login(user)
    return user


def test_voter_page_shows_buttons_then_only_progress_then_results(tree, meeting, box, personas, client_for):
    url = f"/bo-phieu/{box.vote_id}/"
    client = client_for(personas["member"])
    page = client.get(url).content.decode()
    for value, label in (("for", "Tán thành"), ("against", "Không tán thành"), ("abstain", "Không biểu quyết")):
        assert f'name="choice" value="{value}" class="ballot-{value}">{label}</button>' in page
    assert "Đã bỏ phiếu: <b>0</b>/2 đồng chí" in page

    response = client.post(url, {"choice": "against"})
    assert response.status_code == 302 and response["Location"] == url
    page = client.get(url).content.decode()
    assert "Đồng chí đã bỏ phiếu." in page and 'name="choice"' not in page
    assert "Đã bỏ phiếu: <b>1</b>/2 đồng chí" in page
    assert "Kết quả bỏ phiếu kín" not in page and "r-against" not in page

    panel = client_for(personas["secretary"]).get(f"/bo-phieu/{box.vote_id}/dieu-hanh/").content.decode()
    assert "Đã bỏ phiếu: <b>1</b>/2 đồng chí" in panel
    assert "Kết quả bỏ phiếu kín" not in panel and "r-against" not in panel
    assert "Trần Thị Bình" in panel and "Đã bỏ phiếu</span>" in panel and "Chưa bỏ phiếu</span>" in panel

    response = client_for(personas["secretary"]).post(f"/bo-phieu/{box.vote_id}/dong/")
    assert response.status_code == 302
    page = client_for(personas["member"]).get(url).content.decode()
    assert "Kết quả bỏ phiếu kín" in page
    assert '<b class="r-for">0</b>' in page and '<b class="r-against">1</b>' in page
    assert '<b class="r-abstain">0</b>' in page


def test_voter_page_refuses_with_a_vietnamese_message(tree, meeting, box, client):
    login_as_member(client, tree["M3"], "probationary")
    url = f"/bo-phieu/{box.vote_id}/"
    assert "Đảng viên dự bị không có quyền biểu quyết" in client.get(url).content.decode()
    before = snapshot()
    response = client.post(url, {"choice": "for"})
    assert response.status_code == 400
    assert "Đảng viên dự bị không có quyền biểu quyết (Điều lệ Đảng, Điều 3)." in response.content.decode()
    assert snapshot() == before


def test_second_post_from_the_same_login_is_refused(tree, box, personas, client_for):
    client = client_for(personas["member"])
    url = f"/bo-phieu/{box.vote_id}/"
    assert client.post(url, {"choice": "for"}).status_code == 302
    before = snapshot()
    response = client.post(url, {"choice": "against"})
    assert response.status_code == 400
    assert "mỗi đảng viên chỉ được bỏ một phiếu" in response.content.decode()
    assert snapshot() == before


def test_voting_as_someone_else_is_not_possible(tree, box, personas, client_for):
    """The ballot is cast as the login's member; a member field in the request is ignored."""
    client_for(personas["member"]).post(f"/bo-phieu/{box.vote_id}/", {"choice": "for", "member": tree["M1"].pk})
    assert list(BallotVoter.objects.values_list("member__code", flat=True)) == ["M2"]


def test_page_before_opening_and_panel_errors(meeting, secret_vote, personas, client_for):
    page = client_for(personas["member"]).get(f"/bo-phieu/{secret_vote.pk}/").content.decode()
    assert "Chủ trì chưa mở bỏ phiếu" in page and 'http-equiv="refresh"' in page
    response = client_for(personas["member"]).post(f"/bo-phieu/{secret_vote.pk}/", {"choice": "for"})
    assert response.status_code == 400 and "chưa được mở bỏ phiếu" in response.content.decode()
    secretary = client_for(personas["secretary"])
    assert secretary.post(f"/bo-phieu/{secret_vote.pk}/dong/").status_code == 400
    assert secretary.post(f"/bo-phieu/{secret_vote.pk}/mo/").status_code == 302
    response = secretary.post(f"/bo-phieu/{secret_vote.pk}/mo/")
    assert response.status_code == 400 and "Nội dung này đã được mở bỏ phiếu." in response.content.decode()
    hands = Vote.objects.create(meeting=meeting, position=1, kind="resolution", method="show_of_hands")
    response = secretary.post(f"/bo-phieu/{hands.pk}/mo/")
    assert response.status_code == 400 and "không biểu quyết bằng hình thức bỏ phiếu kín" in response.content.decode()


def test_unknown_vote_is_404(personas, client_for, tree):
    assert client_for(personas["admin"]).get("/bo-phieu/999999/").status_code == 404


def test_links_snippet_for_the_meeting_page(meeting, secret_vote):
    from django.template.loader import render_to_string

    hands = Vote.objects.create(meeting=meeting, position=1, kind="resolution", method="show_of_hands")
    html = render_to_string("meetings/ballot_links.html", {"vote": secret_vote, "can_manage": True})
    assert f'href="/bo-phieu/{secret_vote.pk}/"' in html and f'href="/bo-phieu/{secret_vote.pk}/dieu-hanh/"' in html
    html = render_to_string("meetings/ballot_links.html", {"vote": secret_vote, "can_manage": False})
    assert "dieu-hanh" not in html
    assert render_to_string("meetings/ballot_links.html", {"vote": hands, "can_manage": True}).strip() == ""


@pytest.mark.django_db
def test_open_box_blocks_finalize_and_manual_counts(tree, meeting, personas):
    """The box's counts are the vote's counts: no hand edits, no finalizing while it is open."""
    from django.core.exceptions import ValidationError

    from chibo.meetings.ballot import services as ballot_services
    from chibo.meetings.models import Vote
    from chibo.meetings.recording import services as meeting_services

    vote = Vote.objects.create(meeting=meeting, position=0, kind="election", method="secret_ballot",
                               subject="Bầu bí thư")
    ballot_services.ballot_open(vote, personas["admin"])
    with pytest.raises(ValidationError) as exc:
        meeting_services.meeting_finalize(meeting, personas["admin"])
    assert exc.value.messages == ["Còn hòm phiếu kín đang mở: hãy đóng hòm phiếu trước khi hoàn tất biên bản."]
    with pytest.raises(ValidationError) as exc:
        meeting_services.vote_record(meeting, 0, kind="election", method="secret_ballot", subject="Bầu bí thư",
                                     votes_for=5)
    assert "không sửa tay được" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        meeting_services.vote_delete(meeting, 0)
    assert Vote.objects.get(pk=vote.pk).votes_for == 0
