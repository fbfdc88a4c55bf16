from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from chibo.orgs import selectors, services
from chibo.orgs.models import Member, MemberPeriod, Membership, Organization, segment

pytestmark = pytest.mark.django_db


def test_subtree_is_one_query_and_exact(tree):
    with CaptureQueriesContext(connection) as ctx:
        codes = list(Organization.objects.filter(tree["G"].subtree_q()).order_by("path").values_list("code", flat=True))
    assert codes == ["G", "C1", "C2"]
    assert len(ctx.captured_queries) == 1
    sql = ctx.captured_queries[0]["sql"]
    assert '"path" >=' in sql and '"path" <' in sql  # a range on the indexed path column, no LIKE


def test_subtree_range_uses_index(tree):
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("EXPLAIN QUERY PLAN SELECT id FROM orgs_organization WHERE path >= %s AND path < %s",
                        [tree["G"].path, tree["G"].path + "g"])
            plan = " ".join(str(r) for r in cur.fetchall())
            assert "INDEX" in plan.upper()
        else:
            cur.execute("SET enable_seqscan = off")
            cur.execute("EXPLAIN SELECT id FROM orgs_organization WHERE path >= %s AND path < %s",
                        [tree["G"].path, tree["G"].path + "g"])
            plan = " ".join(r[0] for r in cur.fetchall())
            cur.execute("SET enable_seqscan = on")
            assert "Index" in plan


def test_move_org_rewrites_descendant_paths(tree):
    """A cell with a party group moves from G to G2: both rows get G2's prefix and depth + 0."""
    group = services.org_create(code="T1", name="Tổ đảng 1", kind="to_dang", parent=tree["C2"])
    services.org_update(tree["C2"], name="Chi bộ thôn Tây", kind="chi_bo", parent=tree["G2"], established_on=None)
    p, g, g2, c2 = tree["P"], tree["G"], tree["G2"], tree["C2"]
    rows = dict(Organization.objects.values_list("code", "path"))
    assert rows["C2"] == g2.path + segment(c2.pk) == segment(p.pk) + segment(g2.pk) + segment(c2.pk)
    assert rows["T1"] == rows["C2"] + segment(group.pk)
    assert dict(Organization.objects.values_list("code", "depth")) == {
        "P": 0, "G": 1, "C1": 2, "C2": 2, "T1": 3, "G2": 1, "C3": 2}
    assert Organization.objects.get(code="C2").parent == g2
    assert list(Organization.objects.filter(g.subtree_q()).values_list("code", flat=True)) == ["G", "C1"]
    assert sorted(Organization.objects.filter(g2.subtree_q()).values_list("code", flat=True)) == ["C2", "C3", "G2", "T1"]


def test_move_into_own_subtree_refused(tree):
    with pytest.raises(ValidationError) as exc:
        services.org_update(tree["G"], name="x", kind="dang_bo_co_so", parent=tree["C1"], established_on=None)
    assert "chính nó" in str(exc.value)


def test_wrong_child_kind_refused(tree):
    with pytest.raises(ValidationError) as exc:
        services.org_create(code="X", name="Chi bộ lạc", kind="chi_bo", parent=tree["P"])
    assert exc.value.message_dict["kind"] == ["Không thể đặt chi bộ trực thuộc dưới đảng bộ tỉnh Đảng bộ tỉnh Thử."]


def test_duplicate_codes_refused(tree):
    with pytest.raises(ValidationError) as exc:
        services.org_create(code="C1", name="Trùng", kind="chi_bo", parent=tree["G"])
    assert exc.value.message_dict["code"] == ["Mã tổ chức 'C1' đã tồn tại."]
    with pytest.raises(ValidationError) as exc:
        services.member_create(code="M1", full_name="Trùng", organization=tree["C1"], start=date(2024, 1, 1))
    assert exc.value.message_dict["code"] == ["Mã đảng viên 'M1' đã tồn tại."]


def test_transfer_keeps_history(tree):
    m = tree["M2"]
    services.member_transfer(m, to=tree["C2"], on=date(2025, 3, 1))
    rows = list(Membership.objects.filter(member=m).order_by("start").values_list("organization__code", "start", "end"))
    assert rows == [("C1", date(2020, 1, 1), date(2025, 2, 28)), ("C2", date(2025, 3, 1), None)]
    assert [e.member.code for e in selectors.cell_roll(tree["C1"], date(2025, 2, 28)).entries] == ["M1", "M2", "M3"]
    assert [e.member.code for e in selectors.cell_roll(tree["C1"], date(2025, 3, 1)).entries] == ["M1", "M3"]


def test_db_refuses_second_open_membership(tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(member=tree["M1"], organization=tree["C2"], start=date(2030, 1, 1))


def test_db_refuses_overlapping_memberships(tree):
    Membership.objects.filter(member=tree["M1"]).update(end=date(2024, 12, 31))
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(member=tree["M1"], organization=tree["C2"], start=date(2024, 6, 1),
                                  end=date(2025, 6, 1))
    Membership.objects.create(member=tree["M1"], organization=tree["C2"], start=date(2025, 1, 1))
    assert Membership.objects.filter(member=tree["M1"]).count() == 2


def test_db_refuses_overlapping_periods_of_one_kind(tree):
    m = tree["M1"]
    MemberPeriod.objects.create(member=m, kind="exempt", start=date(2024, 1, 1), end=date(2024, 12, 31))
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberPeriod.objects.create(member=m, kind="exempt", start=date(2024, 12, 31), end=None)
    # another kind may overlap, and an update into an overlap is refused too
    MemberPeriod.objects.create(member=m, kind="away", start=date(2024, 6, 1), end=date(2024, 7, 1))
    later = MemberPeriod.objects.create(member=m, kind="exempt", start=date(2025, 1, 1), end=None)
    later.start = date(2024, 12, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        later.save()


def test_service_overlap_message_in_vietnamese(tree):
    services.period_add(tree["M1"], kind="away", start=date(2025, 1, 1), end=date(2025, 3, 31), reason="Đi học")
    with pytest.raises(ValidationError) as exc:
        services.period_add(tree["M1"], kind="away", start=date(2025, 3, 1), end=None)
    assert exc.value.message_dict["start"] == [
        "Trùng với thời gian sinh hoạt tạm thời / công tác đặc biệt đã có (01/01/2025 – 31/03/2025)."]
    with pytest.raises(ValidationError) as exc:
        services.period_add(tree["M1"], kind="away", start=date(2025, 5, 1), end=date(2025, 4, 1))
    assert exc.value.message_dict["end"] == ["Ngày kết thúc không được trước ngày bắt đầu."]


def test_db_refuses_official_before_joined(tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        type(tree["M1"]).objects.filter(pk=tree["M1"].pk).update(official_on=date(1990, 1, 1))


def test_roll_counts(tree):
    services.period_add(tree["M1"], kind="exempt", start=date(2025, 1, 1), end=None, reason="Tuổi cao")
    services.period_add(tree["M2"], kind="away", start=date(2025, 1, 1), end=date(2025, 12, 31))
    services.period_add(tree["M2"], kind="exempt", start=date(2025, 1, 1), end=date(2025, 12, 31))
    roll = selectors.cell_roll(tree["C1"], date(2025, 6, 1))
    assert (roll.on_roll, roll.official, roll.probationary, roll.exempt, roll.away, roll.expected) == (3, 2, 1, 1, 1, 1)
    roll = selectors.cell_roll(tree["C1"], date(2024, 1, 1))  # M3 not yet on the roll
    assert (roll.on_roll, roll.official, roll.probationary, roll.exempt, roll.away) == (2, 2, 0, 0, 0)


def test_roll_is_three_queries_whatever_the_size(tree, django_assert_num_queries):
    for i in range(30):
        services.member_create(code=f"X{i}", full_name=f"Người Thứ {i}", organization=tree["C1"],
                               start=date(2021, 1, 1), official_on=None)
    # memberships+members, periods, positions
    with django_assert_num_queries(3):
        roll = selectors.cell_roll(tree["C1"], date(2025, 1, 1))
    assert roll.on_roll == 33


def test_vietnamese_order_on_roll(tree):
    for code, name in [("V1", "Nguyễn Văn Ân"), ("V2", "Lê Thị Ánh"), ("V3", "Đỗ Văn Đạt"), ("V4", "Trần Văn Dũng")]:
        services.member_create(code=code, full_name=name, organization=tree["C2"], start=date(2021, 1, 1))
    names = [e.member.full_name for e in selectors.cell_roll(tree["C2"], date(2025, 1, 1)).entries]
    assert names == ["Lê Thị Ánh", "Nguyễn Văn Ân", "Phạm Văn Dũng", "Trần Văn Dũng", "Đỗ Văn Đạt", "Đỗ Thị Em"]


def test_search_ignores_diacritics_and_case(tree):
    from chibo.orgs.models import Member

    assert [m.code for m in selectors.member_search(Member.objects.all(), "nguyen van an")] == ["M1"]
    assert [m.code for m in selectors.member_search(Member.objects.all(), "DO THI")] == ["M5"]
    assert [m.code for m in selectors.member_search(Member.objects.all(), "dung")] == ["M4"]
    assert [m.code for m in selectors.member_search(Member.objects.all(), "m3")] == ["M3"]


def test_positions_in_protocol_order(tree):
    services.position_add(tree["M1"], organization=tree["C1"], title="chi_uy_vien", start=date(2024, 1, 1), end=None)
    services.position_add(tree["M2"], organization=tree["C1"], title="bi_thu", start=date(2024, 1, 1), end=None)
    services.position_add(tree["M3"], organization=tree["C1"], title="pho_bi_thu", start=date(2024, 7, 1), end=None)
    rows = [(p.get_title_display(), p.member.code) for p in selectors.positions_on(tree["C1"], date(2025, 1, 1))]
    assert rows == [("Bí thư", "M2"), ("Phó bí thư", "M3"), ("Chi ủy viên", "M1")]
    assert [(p.member.code) for p in selectors.positions_on(tree["C1"], date(2024, 3, 1))] == ["M2", "M1"]
    with pytest.raises(ValidationError) as exc:
        services.position_add(tree["M1"], organization=tree["C1"], title="bi_thu", start=date(2025, 1, 1), end=None)
    assert exc.value.message_dict["title"] == ["Chi bộ đã có bí thư Trần Thị Bình trong thời gian này."]


def test_top_bar_says_who_and_crumbs_only_lead_where_one_may_go(tree, personas, client_for):
    import re

    page = client_for(personas["secretary"]).get("/to-chuc/C1/").content.decode()
    assert re.search(r'id="whoami">Tài khoản: secretary <span class="muted">\(Bí thư / thư ký chi bộ\)</span>', page)
    crumbs = page.split('<div class="crumbs">', 1)[1].split("</div>", 1)[0]
    assert crumbs == ""  # the committee and the province are not the secretary's to open
    page = client_for(personas["staff"]).get("/to-chuc/C1/").content.decode()
    crumbs = page.split('<div class="crumbs">', 1)[1].split("</div>", 1)[0]
    assert crumbs == '<a href="/to-chuc/G/">Đảng bộ xã Tân Thành</a> › '
    assert "(Cán bộ cấp ủy (giám sát cấp dưới))" in page
    page = client_for(personas["member"]).get("/cua-toi/").content.decode()
    assert 'id="whoami">Tài khoản: member <span class="muted">(Đảng viên)</span>' in page


@pytest.mark.parametrize(("fields", "errors"), [
    ({"birth_date": date(2099, 1, 1)}, {"birth_date": ["Ngày sinh không được sau hôm nay."]}),
    ({"joined_on": date(2099, 1, 1)}, {"joined_on": ["Ngày vào Đảng không được sau hôm nay."]}),
    ({"birth_date": date(2000, 2, 29), "joined_on": date(2018, 2, 28)},
     {"joined_on": ["Ngày vào Đảng phải từ khi đủ 18 tuổi (từ 01/03/2018)."]}),
    ({"joined_on": date(2010, 1, 1), "official_on": date(2009, 1, 1)},
     {"official_on": ["Ngày chính thức không được trước ngày vào Đảng."]}),
])
def test_member_dates_that_cannot_be(tree, fields, errors):
    from django.core.exceptions import ValidationError

    from chibo.orgs import services as org_services

    before = Member.objects.count()
    with pytest.raises(ValidationError) as exc:
        org_services.member_create(code="M99", full_name="Ngô Văn Mới", organization=tree["C1"],
                                   start=date(2024, 1, 1), **fields)
    assert exc.value.message_dict == errors and Member.objects.count() == before
    member = tree["M1"]
    with pytest.raises(ValidationError) as exc:
        org_services.member_update(member, **{"official_on": None, **fields})
    assert exc.value.message_dict == errors
    assert org_services.member_create(code="M98", full_name="Ngô Văn Đủ", organization=tree["C1"],
                                      start=date(2024, 1, 1), birth_date=date(2000, 2, 29),
                                      joined_on=date(2018, 3, 1)).joined_on == date(2018, 3, 1)
