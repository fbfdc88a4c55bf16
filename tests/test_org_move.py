"""Moving an organisation: one service (services.org_move; org_update and the admin go through it),
one UPDATE statement for the whole subtree, and access and the change log follow the move.

The tree of tests/conftest.py, with party groups added: P → G (C1 (T1, T2), C2 (T3)), G2 (C3)."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chibo.changelog.models import LogEntry
from chibo.orgs import services
from chibo.orgs.access import scope_for
from chibo.orgs.models import Organization, OrgKind, segment
from tests.access_matrix import snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def groups(tree):
    return {code: services.org_create(code=code, name=f"Tổ đảng {code}", kind="to_dang", parent=tree[cell])
            for code, cell in (("T1", "C1"), ("T2", "C1"), ("T3", "C2"))}


def stored() -> dict:
    """code → (parent code, path, depth) as stored."""
    code_of = dict(Organization.objects.values_list("pk", "code"))
    return {code: (code_of.get(parent_id), path, depth)
            for code, parent_id, path, depth in Organization.objects.values_list("code", "parent_id", "path", "depth")}


def expected(parents: dict) -> dict:
    """code → (parent code, path, depth) computed from scratch out of `parents` (code → parent code)."""
    pk = dict(Organization.objects.values_list("code", "pk"))

    def path(code):
        return (path(parents[code]) if parents[code] else "") + segment(pk[code])

    return {code: (parent, path(code), len(path(code)) // len(segment(0)) - 1) for code, parent in parents.items()}


TREE = {"P": None, "G": "P", "C1": "G", "C2": "G", "T1": "C1", "T2": "C1", "T3": "C2", "G2": "P", "C3": "G2"}


def fresh(user):
    return get_user_model().objects.get(pk=user.pk)  # scope_for caches the scope on the user object


def test_move_committee_with_grandchildren(tree, groups):
    upper = services.org_create(code="U", name="Đảng bộ huyện Thử", kind="dang_bo_cap_tren_co_so", parent=tree["P"])
    assert stored() == expected({**TREE, "U": "P"})

    moved = services.org_move(tree["G"], upper)
    after = expected({**TREE, "U": "P", "G": "U"})
    assert stored() == after
    assert (moved.path, moved.depth, moved.parent) == (after["G"][1], 2, upper)
    assert after["T1"][1] == "".join(segment(o.pk) for o in (tree["P"], upper, tree["G"], tree["C1"], groups["T1"]))
    assert [after[c][2] for c in ("U", "G", "C1", "C2", "T1", "T2", "T3")] == [1, 2, 3, 3, 4, 4, 4]

    # Up to the root: the depths go down, the other branch (G2, C3) never changes.
    services.org_move(upper, None)
    assert stored() == expected({**TREE, "U": None, "G": "U"})
    assert stored()["T3"][2] == 3 and stored()["C3"] == after["C3"]


def _committee(code: str, cells: int, groups_per_cell: int, parent) -> Organization:
    top = services.org_create(code=code, name=f"Đảng bộ {code}", kind="dang_bo_co_so", parent=parent)
    for i in range(cells):
        cell = services.org_create(code=f"{code}-C{i}", name=f"Chi bộ {i}", kind="chi_bo", parent=top)
        for j in range(groups_per_cell):
            services.org_create(code=f"{code}-C{i}-T{j}", name=f"Tổ đảng {j}", kind="to_dang", parent=cell)
    return top


def _org_updates(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].startswith('UPDATE "orgs_organization"')]


def test_subtree_rewrite_is_one_statement_whatever_its_size(tree, django_assert_num_queries):
    upper = services.org_create(code="U", name="Đảng bộ huyện Thử", kind="dang_bo_cap_tren_co_so", parent=tree["P"])
    small = _committee("S", 1, 2, tree["P"])  # 3 descendants
    big = _committee("B", 10, 2, tree["P"])  # 30 descendants
    services.org_move(tree["G"], upper)  # warm the caches (content types) first

    with CaptureQueriesContext(connection) as ctx:
        services.org_move(small, upper)
    updates = _org_updates(ctx.captured_queries)
    # The subtree in one statement, then the moved organisation saved through the model (logged).
    assert len(updates) == 2
    assert "SUBSTR" in updates[0].upper() and "SUBSTR" not in updates[1].upper()

    with django_assert_num_queries(len(ctx.captured_queries)) as big_ctx:
        services.org_move(big, upper)
    assert len(_org_updates(big_ctx.captured_queries)) == 2

    rows = stored()
    assert rows == expected({code: parent for code, (parent, _, _) in rows.items()})
    assert rows["B-C9-T1"][2] == 4 and rows["S-C0"][1].startswith(upper.path + segment(small.pk))


def test_access_follows_the_move(tree, personas, groups, client_for):
    """C1 (and its groups, members, meetings) leaves G for G2: G's staff no longer read it, G2's do."""
    old_path = tree["C1"].path
    staff, rival = personas["staff"], personas["rival"]
    assert scope_for(fresh(staff)).can_read_org(tree["C1"]) and not scope_for(fresh(rival)).can_read_org(tree["C1"])

    services.org_move(tree["C1"], tree["G2"])

    c1, t1 = Organization.objects.get(code="C1"), Organization.objects.get(code="T1")
    before, after = scope_for(fresh(staff)), scope_for(fresh(rival))
    assert not before.can_read_org(c1) and not before.can_read_org(t1)
    assert sorted(before.orgs().values_list("code", flat=True)) == ["C2", "G", "T3"]
    assert not before.members().filter(code="M1").exists()
    assert after.can_read_org(c1) and after.can_read_org(t1) and after.can_supervise_org(c1)
    assert sorted(after.orgs().values_list("code", flat=True)) == ["C1", "C3", "G2", "T1", "T2"]
    assert set(after.members().values_list("code", flat=True)) == {"M1", "M2", "M3"}
    assert client_for(fresh(staff)).get("/to-chuc/C1/").status_code == 404
    assert client_for(fresh(staff)).get("/dang-vien/M1/").status_code == 404
    assert client_for(fresh(rival)).get("/to-chuc/C1/").status_code == 200
    assert client_for(fresh(rival)).get("/to-chuc/T1/").status_code == 200
    # The cell's own secretary keeps the cell where it now is.
    assert scope_for(fresh(personas["secretary"])).can_read_org(c1)

    # One entry for the move, on the moved cell, read by the committee it left and the one it joined;
    # the descendants' path rewrite (not logged: path and depth are derived) writes none.
    entry = LogEntry.objects.filter(object_pk=str(c1.pk), content_type__model="organization").latest("pk")
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.changes == {"parent": ["Đảng bộ xã Tân Thành (G)", "Đảng bộ xã Bình An (G2)"]}
    assert entry.org_paths.split() == sorted([old_path, c1.path])
    assert not LogEntry.objects.filter(object_pk=str(t1.pk), content_type__model="organization",
                                       action=LogEntry.Action.UPDATE).exists()
    assert "_changelog_moved_from" not in c1.__dict__


def test_refused_moves_change_nothing(tree, groups):
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        services.org_move(tree["G"], groups["T1"])
    assert exc.value.message_dict == {"parent": ["Không thể chuyển tổ chức vào chính nó hoặc tổ chức cấp dưới của nó."]}
    with pytest.raises(ValidationError) as exc:
        services.org_move(tree["G"], tree["G"])
    assert exc.value.message_dict == {"parent": [services.MOVE_INTO_ITSELF]}
    with pytest.raises(ValidationError) as exc:
        services.org_move(tree["C1"], tree["P"])  # a province holds no cell directly
    cell, province = OrgKind("chi_bo").label.lower(), OrgKind("dang_bo_tinh").label.lower()
    assert exc.value.message_dict == {"parent": [f"Không thể đặt {cell} dưới {province} Đảng bộ tỉnh Thử."]}
    with pytest.raises(ValidationError):
        services.org_update(tree["G"], name="x", kind="dang_bo_co_so", parent=groups["T3"], established_on=None)
    assert services.org_move(tree["C1"], tree["G"]).path == tree["C1"].path  # same parent: nothing to do
    assert snapshot() == before


def _admin_form(org: Organization, **changes) -> dict:
    data = {"code": org.code, "name": org.name, "kind": org.kind, "parent": org.parent_id or "",
            "established_on": "", "locality": org.locality, "address": org.address}
    return {**data, **changes}


def test_admin_moves_through_the_service(tree, personas, groups, client_for):
    client = client_for(personas["admin"])
    url = f"/quan-tri/orgs/organization/{tree['C1'].pk}/change/"
    assert client.get(url).status_code == 200

    response = client.post(url, _admin_form(tree["C1"], parent=tree["G2"].pk, name="Chi bộ thôn Đông mới"))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert stored() == expected({**TREE, "C1": "G2"})
    c1 = Organization.objects.get(code="C1")
    assert c1.name == "Chi bộ thôn Đông mới"
    assert not scope_for(fresh(personas["staff"])).can_read_org(c1)
    assert scope_for(fresh(personas["rival"])).can_read_org(Organization.objects.get(code="T2"))
    entry = LogEntry.objects.filter(object_pk=str(c1.pk), content_type__model="organization").latest("pk")
    assert entry.actor == personas["admin"]
    assert entry.changes == {"name": ["Chi bộ thôn Đông", "Chi bộ thôn Đông mới"],
                             "parent": ["Đảng bộ xã Tân Thành (G)", "Đảng bộ xã Bình An (G2)"]}


def test_admin_refused_moves_change_nothing(tree, personas, groups, client_for):
    client = client_for(personas["admin"])
    g = tree["G"]
    url = f"/quan-tri/orgs/organization/{g.pk}/change/"
    before = snapshot()
    for parent in (groups["T1"], tree["C2"], g):  # its own subtree, itself
        response = client.post(url, _admin_form(g, parent=parent.pk))
        assert response.status_code == 200
        assert services.MOVE_INTO_ITSELF in response.content.decode()
    # A cell under a province: the kind check of the service, with its message.
    response = client.post(f"/quan-tri/orgs/organization/{tree['C1'].pk}/change/",
                           _admin_form(tree["C1"], parent=tree["P"].pk))
    assert response.status_code == 200
    assert f"Không thể đặt {OrgKind('chi_bo').label.lower()} dưới" in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_api_has_no_organisation_writes(tree, personas, client_for, method):
    """The API only reads the tree: a write endpoint for organisations would have to go through
    services.org_move / org_update like the page and the admin."""
    client = client_for(personas["admin"])
    before = snapshot()
    for url in ("/api/orgs", f"/api/orgs/{tree['C1'].code}", f"/api/orgs/{tree['C1'].code}/roll"):
        response = getattr(client, method)(url, {"parent": "G2"}, content_type="application/json")
        assert response.status_code in (404, 405), (url, response.status_code)
    assert snapshot() == before


def test_page_moves_through_the_service(tree, personas, groups, client_for):
    response = client_for(personas["admin"]).post("/to-chuc/C1/sua/", {
        "code": "C1", "name": "Chi bộ thôn Đông", "kind": "chi_bo", "parent": "G2", "established_on": "",
        "locality": "", "address": ""})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert stored() == expected({**TREE, "C1": "G2"})
