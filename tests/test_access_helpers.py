"""The one access helper per kind of record (issue 11 item 3): the right needed is an argument,
the predicates live on the Scope, a record outside the read scope is a 404 and a readable one
without the right a 403 (with the right's Vietnamese message)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from chibo.meetings.access import get_meeting_for_user, get_vote_for_user
from chibo.meetings.models import Vote
from chibo.orgs.access import Right, get_member_for_user, get_org_for_user, scope_for

pytestmark = pytest.mark.django_db

# persona -> the organisations on which it holds each right (of P, G, C1, C2, G2, C3).
EXPECTED = {
    "admin": {r: {"P", "G", "C1", "C2", "G2", "C3"} for r in Right},
    "staff": {Right.READ: {"G", "C1", "C2"}, Right.MANAGE: {"G", "C1", "C2"}, Right.RECORD: set(),
              Right.SUPERVISE: {"G", "C1", "C2"}, Right.SUPERIOR: {"C1", "C2"},
              Right.FEES: set(), Right.FEE_RELIEF: {"C1", "C2"}},
    "designated": {Right.READ: {"G", "C1", "C2"}, Right.MANAGE: {"G", "C1", "C2"}, Right.RECORD: {"C1"},
                   Right.SUPERVISE: {"G", "C1", "C2"}, Right.SUPERIOR: {"C1", "C2"},
                   Right.FEES: set(), Right.FEE_RELIEF: {"C1", "C2"}},
    "secretary": {Right.READ: {"C1"}, Right.MANAGE: {"C1"}, Right.RECORD: {"C1"},
                  Right.SUPERVISE: set(), Right.SUPERIOR: set(), Right.FEES: {"C1"}, Right.FEE_RELIEF: {"C1"}},
    "member": {Right.READ: {"C1"}, Right.MANAGE: set(), Right.RECORD: set(),
               Right.SUPERVISE: set(), Right.SUPERIOR: set(), Right.FEES: set(), Right.FEE_RELIEF: set()},
    "rival": {Right.READ: {"G2", "C3"}, Right.MANAGE: {"G2", "C3"}, Right.RECORD: set(),
              Right.SUPERVISE: {"G2", "C3"}, Right.SUPERIOR: {"C3"}, Right.FEES: set(), Right.FEE_RELIEF: {"C3"}},
}
ORGS = ("P", "G", "C1", "C2", "G2", "C3")


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_rights_per_organisation(tree, personas, persona):
    scope = scope_for(personas[persona])
    held = {right: {code for code in ORGS if scope.has_right(tree[code], right)} for right in Right}
    assert held == EXPECTED[persona]


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_structure_and_own_record(tree, personas, persona):
    """A committee adds units under its own node (can_edit_structure) but edits its own record
    only from above (can_edit_org = is_superior_of)."""
    scope = scope_for(personas[persona])
    for code in ORGS:
        assert scope.can_edit_org(tree[code]) == scope.has_right(tree[code], Right.SUPERIOR)
        assert scope.can_edit_structure(tree[code]) == scope.has_right(tree[code], Right.SUPERVISE)


def test_org_helper_404_then_403(tree, personas):
    with pytest.raises(Http404):
        get_org_for_user(personas["secretary"], "C2")
    with pytest.raises(Http404):
        get_org_for_user(personas["secretary"], "NO-SUCH")
    org, scope = get_org_for_user(personas["member"], "C1")
    assert org == tree["C1"] and scope.member_id == tree["M2"].pk
    with pytest.raises(PermissionDenied) as denied:
        get_org_for_user(personas["member"], "C1", Right.MANAGE)
    assert str(denied.value) == "Bạn không có quyền thay đổi dữ liệu của tổ chức này."
    with pytest.raises(PermissionDenied) as denied:
        get_org_for_user(personas["secretary"], "C1", Right.SUPERVISE)
    assert str(denied.value) == "Chỉ cấp ủy cấp trên mới được thực hiện thao tác này."
    with pytest.raises(PermissionDenied) as denied:
        get_org_for_user(personas["staff"], "G", Right.SUPERIOR, denied="Riêng")
    assert str(denied.value) == "Riêng"
    assert get_org_for_user(personas["staff"], "C1", Right.SUPERIOR)[0] == tree["C1"]


def test_member_helper(tree, personas):
    with pytest.raises(Http404):
        get_member_for_user(personas["member"], "M4")  # another cell's member
    assert get_member_for_user(personas["member"], "M1")[0] == tree["M1"]  # a fellow member: names
    assert get_member_for_user(personas["member"], "M2")[0] == tree["M2"]
    with pytest.raises(PermissionDenied) as denied:
        get_member_for_user(personas["member"], "M2", Right.MANAGE)
    assert str(denied.value) == "Bạn không có quyền sửa hồ sơ đảng viên này."
    assert get_member_for_user(personas["secretary"], "M3", Right.MANAGE)[0] == tree["M3"]
    with pytest.raises(Http404):
        get_member_for_user(personas["secretary"], "M4", Right.MANAGE)
    with pytest.raises(ValueError):
        get_member_for_user(personas["secretary"], "M3", Right.RECORD)


def test_meeting_helper(meeting, personas):
    for persona in ("sibling", "rival", "other"):
        with pytest.raises(Http404):
            get_meeting_for_user(personas[persona], meeting.ident)
    with pytest.raises(Http404):
        get_meeting_for_user(personas["secretary"], "NO-SUCH")
    found, _scope = get_meeting_for_user(personas["member"], meeting.ident)
    assert found == meeting
    cases = [("member", Right.MANAGE, "Bạn không có quyền chuẩn bị cuộc họp này."),
             ("member", Right.RECORD, "Bạn không có quyền ghi biên bản của chi bộ này."),
             ("staff", Right.RECORD, "Bạn không có quyền ghi biên bản của chi bộ này."),
             ("secretary", Right.SUPERIOR, "Chỉ cấp ủy cấp trên dự sinh hoạt mới được xác nhận điểm đánh giá.")]
    for persona, right, message in cases:
        with pytest.raises(PermissionDenied) as denied:
            get_meeting_for_user(personas[persona], meeting.ident, right)
        assert (persona, right, str(denied.value)) == (persona, right, message)
    assert get_meeting_for_user(personas["designated"], meeting.ident, Right.RECORD)[0] == meeting
    assert get_meeting_for_user(personas["staff"], meeting.ident, Right.SUPERIOR)[0] == meeting
    full, _scope = get_meeting_for_user(personas["secretary"], meeting.ident, Right.RECORD, full=True)
    assert full.organization.code == "C1"


def test_vote_helper(meeting, personas):
    vote = Vote.objects.create(meeting=meeting, position=0, kind="other", method="show_of_hands",
                               subject="Thông qua nghị quyết", votes_for=3)
    with pytest.raises(Http404):
        get_vote_for_user(personas["sibling"], vote.pk)
    with pytest.raises(Http404):
        get_vote_for_user(personas["secretary"], vote.pk + 1000)
    found, box, _scope = get_vote_for_user(personas["member"], vote.pk)
    assert (found, box) == (vote, None)
