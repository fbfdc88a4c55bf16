"""The demo: a fictional grassroots committee (Đảng bộ xã Tân Thành) with 4 cells and ~80 members,
and the year so far recorded through the same services the pages call, so every page has
something to show and the change log says who did what.

Dates follow `today` (the command passes `timezone.localdate()`): the past meetings are the
previous months (at least six) plus this month's when its day has passed; the rest of the year
(and next year, when this year has no meeting left) is planned by `plan_year`.

States the demo shows:
- Tree and members: a committee and four cells; official, probationary, exempt (age) and away
  (studying) members; a member transferred from TT-C3 to TT-C1 four months ago; positions.
- Logins and roles: administrator; committee staff `dangy` (supervises, confirms scores);
  `dangy2`, committee staff designated (Role.Kind.DESIGNATED) to record TT-C3, which has no
  secretary login; cell secretaries `bithu1`, `bithu2`, `bithu4`; members `dangvien1`,
  `dangvien2`.
- Past meetings, recorded by the cell's recorder: finalized (snapshot, numbered resolution,
  resolution text) with scores entered and adopted by the recorder and confirmed by `dangy`
  (never the person who entered them); each cell's latest finalized meeting awaits
  confirmation; one finalized meeting of TT-C1 carries an amendment (đính chính); TT-C1's
  latest meeting holds a closed electronic secret ballot (an election). TT-C2's latest meeting is
  held, complete, scores proposed but not adopted (ready to finalize); TT-C4's latest is held
  with incomplete minutes (no end time, no conclusion: finalizing is refused).
- Tasks: done, open (due later) and overdue.
- Coming up: TT-C1's next meeting notified (notice sent, no mail leaves the machine: in the
  application to its 23 members, printed copies handed to the 21 without an e-mail address,
  opened by `dangvien1`) with two absence notices, one from `dangvien1`; TT-C2's next meeting planned with `dangvien2`'s
  absence notice; an extraordinary meeting of TT-C4 cancelled with its reason; every other future
  meeting planned with the committee's agenda.
- Superior visits on some meetings, guests, rescheduled meetings (a day after the 3rd).
- Meetings judged by HD 42 (from 28/10/2025): documents posted, chi ủy's agreement, the superior
  notified, the chair as scorer, the chi ủy's self-score adopted (results posted the day after);
  the official grade decided by `dangy` where the HD 12 scores are confirmed; TT-C2's pending
  meeting self-scored, not adopted.
- The committee's orientation (định hướng sinh hoạt) for the month of TT-C1's next meeting,
  published by `dangy`; TT-C1 took it up into that meeting's agenda, the other cells not yet.
- The committee's own scoring sheet (`tan-thanh-2025`, saved by `dangy`: the HD 42 frame with its
  wording and stricter bands) named in its rule profile, so the HD 42 meetings are scored by it.
- The past always reaches back to October 2025, so meetings of both rulebooks are shown (HD 12
  before 28/10/2025, HD 42 from then on).
- Party fees (chibo/fees) of TT-C1, kept by `bithu1`: the three months before this one and this
  month (loaded in February or March: from October of last year, so three past months lie in
  one year), every member on the sheet with a category of the month's rate table and an income (the
  due is the calculator's); each past month paid by all but three or four (not the same ones),
  this month by half (on the portal, or in cash to the secretary); one member (the sixth on the
  sheet) paid none of them, so the audit of the three past months of one year flags
  FEE_UNPAID_REVIEW; a 50% reduction (Điều 5.2) decided by the committee for one member over six months from
  last month."""

import random
from collections import defaultdict
from contextlib import contextmanager
from datetime import date, time, timedelta

from auditlog.context import auditlog_value, set_extra_data
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from chibo.changelog.middleware import actor_label
from chibo.interchange.db import bundle_import
from chibo.orgs import services as org_services
from chibo.orgs.models import Member, Membership, Organization, Role
from chibo.rules import engine

FAMILY = ["Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Trần", "Lê", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ",
          "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE_M = ["Văn", "Văn", "Hữu", "Đức", "Minh", "Quang", "Công", "Thành", "Xuân"]
MIDDLE_F = ["Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Mỹ", "Kim"]
GIVEN_M = ["An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hùng", "Khánh", "Long", "Minh", "Nam", "Phúc", "Quân",
           "Sơn", "Tâm", "Thắng", "Trung", "Tuấn", "Việt", "Vinh"]
GIVEN_F = ["Anh", "Ánh", "Châu", "Dung", "Giang", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai", "Ngân",
           "Nhung", "Oanh", "Phương", "Thảo", "Trang", "Tuyết", "Yến"]
CELLS = [("TT-C1", "Chi bộ thôn Đông", 22), ("TT-C2", "Chi bộ thôn Tây", 20), ("TT-C3", "Chi bộ thôn Nam", 18),
         ("TT-C4", "Chi bộ Trường Tiểu học Tân Thành", 20)]
ITEMS = ["Thông tin thời sự, văn bản cấp trên", "Đánh giá kết quả thực hiện nhiệm vụ tháng",
         "Phương hướng nhiệm vụ tháng tới", "Thảo luận"]
SUMMARIES = ["Đề nghị sửa đường liên thôn trước mùa mưa", "Báo cáo tiến độ thu đảng phí",
             "Phản ánh ý kiến bà con về giá phân bón", "Đề xuất tổ chức lớp tập huấn kỹ thuật trồng trọt",
             "Thống nhất với dự thảo nghị quyết", "Góp ý bổ sung chỉ tiêu vận động hiến đất"]
TASKS = ["Vận động hộ dân hiến đất mở rộng đường", "Tuyên truyền phòng, chống sốt xuất huyết",
         "Rà soát hộ nghèo cuối năm", "Tổ chức vệ sinh môi trường khu dân cư"]
PASSWORD = "chibo-demo"
LOGINS = [
    ("admin", "Quản trị hệ thống", None),
    ("dangy", "Cán bộ Văn phòng Đảng ủy xã (giám sát cả đảng bộ, xác nhận điểm)", None),
    ("dangy2", "Cán bộ Đảng ủy xã được phân công ghi biên bản Chi bộ thôn Nam", "TT-C3"),
    ("bithu1", "Bí thư Chi bộ thôn Đông", "TT-C1"),
    ("bithu2", "Bí thư Chi bộ thôn Tây", "TT-C2"),
    ("bithu4", "Bí thư Chi bộ Trường Tiểu học Tân Thành", "TT-C4"),
    ("dangvien1", "Đảng viên Chi bộ thôn Đông", "TT-C1"),
    ("dangvien2", "Đảng viên Chi bộ thôn Tây", "TT-C2"),
]
STAFF_NAMES = {"dangy": "Trần Văn Bình", "dangy2": "Lê Thị Hoa"}
#: Who records each cell's meetings.
RECORDERS = {"TT-C1": "bithu1", "TT-C2": "bithu2", "TT-C3": "dangy2", "TT-C4": "bithu4"}


def _months_since_hd12(today: date) -> int:
    """How many months back October 2025 is: its meeting (on the 2nd to 5th) is the last one judged
    by HD 12, so the past always shows both rulebooks (rules-v2.md §0, 28/10/2025)."""
    return (today.year - 2025) * 12 + today.month - 10


def demo_bundle(today: date, seed: int = 2025) -> tuple[dict, dict]:
    rnd = random.Random(seed)
    orgs = [{"code": "TT", "name": "Đảng bộ xã Tân Thành", "kind": "dang_bo_co_so", "parent": None,
             "established_on": "1975-05-01"}]
    orgs += [{"code": c, "name": n, "kind": "chi_bo", "parent": "TT", "established_on": "2005-01-01"}
             for c, n, _ in CELLS]
    members, roster, positions = [], {}, []
    start = date(today.year - 3, 1, 1)
    n = 0
    for cell, _name, size in CELLS:
        roster[cell] = []
        for i in range(size):
            n += 1
            female = rnd.random() < 0.45
            name = " ".join([rnd.choice(FAMILY), rnd.choice(MIDDLE_F if female else MIDDLE_M),
                             rnd.choice(GIVEN_F if female else GIVEN_M)])
            birth = date(rnd.randint(1950, 1998), rnd.randint(1, 12), rnd.randint(1, 28))
            probationary = i in (size - 1, size - 2)
            joined = today - timedelta(days=rnd.randint(120, 300)) if probationary else \
                date(max(birth.year + 20, 1975) + rnd.randint(0, 15), rnd.randint(1, 12), rnd.randint(1, 28))
            joined = min(joined, today - timedelta(days=120))
            official = None if probationary else joined + timedelta(days=365)
            code = f"TT{n:03d}"
            m = {"code": code, "full_name": name, "gender": "nu" if female else "nam", "birth_date": birth.isoformat(),
                 "joined_on": joined.isoformat(), "official_on": official.isoformat() if official else None,
                 "memberships": [{"organization": cell, "from": max(start, joined).isoformat(), "to": None}],
                 "exempt": [], "away": []}
            if i == 3:
                m["exempt"].append({"from": (today - timedelta(days=400)).isoformat(), "to": None,
                                    "reason": "Tuổi cao, sức khỏe yếu"})
            if i == 4 and cell == "TT-C2":
                m["away"].append({"from": (today - timedelta(days=90)).isoformat(),
                                  "to": (today + timedelta(days=90)).isoformat(), "reason": "Đi học tập trung"})
            members.append(m)
            roster[cell].append(m)
        positions.append((roster[cell][0]["code"], cell, "bi_thu"))
        positions.append((roster[cell][1]["code"], cell, "pho_bi_thu"))
        positions.append((roster[cell][2]["code"], cell, "chi_uy_vien"))
    # A transfer: the last official member of C3 moved to C1 four months ago.
    mover = roster["TT-C3"][-3]
    moved_on = today - timedelta(days=120)
    first = date.fromisoformat(mover["memberships"][0]["from"])
    if first < moved_on:
        mover["memberships"] = [
            {"organization": "TT-C3", "from": first.isoformat(), "to": (moved_on - timedelta(days=1)).isoformat()},
            {"organization": "TT-C1", "from": moved_on.isoformat(), "to": None}]
    meetings, visits = [], []

    def on_roll(m, day, cell):
        for p in m["memberships"]:
            if p["organization"] == cell and date.fromisoformat(p["from"]) <= day and (
                    p["to"] is None or day <= date.fromisoformat(p["to"])):
                return True
        return False

    scores = {}
    for cell, _name, _size in CELLS:
        for back in range(max(6, today.month - 1, _months_since_hd12(today)), -1, -1):
            y, mo = today.year, today.month - back
            while mo <= 0:
                y, mo = y - 1, mo + 12
            day = date(y, mo, rnd.choice([2, 3, 3, 3, 5]))
            if day >= today:  # this month's meeting is still to come: plan_year plans it
                continue
            kind = "combined" if mo % 3 == 0 else "regular"
            present = [m for m in members if on_roll(m, day, cell)]
            attendance = []
            for m in present:
                r = rnd.random()
                if r < 0.82:
                    attendance.append({"member": m["code"], "status": "present"})
                elif r < 0.88:
                    attendance.append({"member": m["code"], "status": "late"})
                elif r < 0.97:
                    attendance.append({"member": m["code"], "status": "absent_excused",
                                       "reason": rnd.choice(["Ốm", "Đi công tác", "Việc gia đình"])})
                else:
                    attendance.append({"member": m["code"], "status": "absent_unexcused"})
            here = [a["member"] for a in attendance if a["status"] in engine.PRESENT_STATUSES]
            ident = f"{cell}-{y}-{mo:02d}"
            meetings.append({
                "id": ident, "organization": cell, "kind": kind, "date": day.isoformat(),
                "start": "19:30", "end": rnd.choice(["21:00", "21:05", "21:15", "21:40"]),
                "place": "Nhà văn hóa " + _name.replace("Chi bộ ", ""), "chair": roster[cell][0]["code"],
                "secretary": roster[cell][2]["code"], "notice_sent_on": (day - timedelta(days=3)).isoformat(),
                "topic": "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh" if kind == "combined" else None,
                "rescheduled_reason": "Trùng lịch họp của xã" if day.day > 3 else None,
                "guests": [{"name": "Trần Văn Bình", "title": "Đảng ủy viên", "organization": "Đảng ủy xã Tân Thành"}]
                if back % 2 else [],
                "attendance": attendance,
                "speeches": [{"member": s, "item": rnd.choice(ITEMS), "summary": rnd.choice(SUMMARIES)}
                             for s in rnd.sample(here, min(len(here), rnd.randint(4, 8)))],
                "votes": [{"kind": "resolution", "subject": f"Nghị quyết chi bộ tháng {mo:02d}/{y}",
                           "method": "show_of_hands", "for": max(len(here) - 1, 0), "against": 0,
                           "abstain": 1 if here else 0, "invalid": 0}],
                "tasks": [{"assignee": rnd.choice(here), "description": rnd.choice(TASKS),
                           "due": (day + timedelta(days=25)).isoformat(),
                           "done_on": min(day + timedelta(days=rnd.randint(5, 30)), today).isoformat()}]
                if here else [],
                "conclusion": f"Chi bộ thống nhất thông qua nghị quyết tháng {mo:02d}/{y}, phân công đảng viên "
                              "thực hiện nhiệm vụ.",
            })
            # Entered through the services by the cell's recorder (load_demo), not imported.
            scores[ident] = {"preparation": rnd.randint(7, 10), "conduct": rnd.randint(7, 10),
                             "principles": rnd.randint(7, 10)}
            if back % 6 in (2, 5) and cell != "TT-C4":
                visits.append({"organization": cell, "date": day.isoformat(), "visitor": "Trần Văn Bình",
                               "committee": "TT"})
    _latest_states(meetings, today)
    bundle = {"format": "chibo-bundle", "version": 1, "profiles": {}, "organizations": orgs, "members": members,
              "meetings": meetings, "visits": visits}
    return bundle, {"positions": positions, "start": start, "scores": scores}


def _latest_states(meetings: list[dict], today: date) -> None:
    """Tasks of the two latest meetings of each cell: the latest one's is open and due in two weeks,
    the one before is overdue; TT-C4's latest minutes are still being written (no end, no conclusion)."""
    for cell, _name, _size in CELLS:
        own = [m for m in meetings if m["organization"] == cell]
        latest, before = own[-1], own[-2]
        for t in latest["tasks"]:
            t["done_on"] = None
            t["due"] = max(date.fromisoformat(latest["date"]), today + timedelta(days=14)).isoformat()
        for t in before["tasks"]:
            t["done_on"] = None
            day = date.fromisoformat(before["date"])
            t["due"] = max(day, min(day + timedelta(days=25), today - timedelta(days=1))).isoformat()
        if cell == "TT-C4":
            latest["end"] = None
            latest["conclusion"] = None


@contextmanager
def _acting(user):
    """Change-log entries written inside are attributed to `user`, as a request by that user would be."""
    with set_extra_data({"actor": user, "actor_name": actor_label(user)}):
        yield
    auditlog_value.set(None)  # set_extra_data leaves its value behind: later writes are the command's


@transaction.atomic
def load_demo(today: date) -> list[tuple[str, str, str]]:
    from chibo.meetings.models import Meeting, MeetingStatus

    bundle, extra = demo_bundle(today)
    bundle_import(bundle)
    orgs = {o.code: o for o in Organization.objects.all()}
    users = _logins(orgs, extra)
    with _acting(users["admin"]):
        members = {m.code: m for m in Member.objects.filter(code__in={p[0] for p in extra["positions"]})}
        for code, cell, title in extra["positions"]:
            org_services.position_add(members[code], organization=orgs[cell], title=title, start=extra["start"],
                                      end=None)
    from chibo.meetings.planning.services import plan_year

    for code, _name, _size in CELLS:
        with _acting(users[RECORDERS[code]]):
            plan_year(orgs[code], today.year)
    if not Meeting.objects.filter(status=MeetingStatus.PLANNED, date__gt=today).exists():
        for code, _name, _size in CELLS:
            with _acting(users[RECORDERS[code]]):
                plan_year(orgs[code], today.year + 1)
    _scoring_sheet(orgs["TT"], users["dangy"])
    for code, _name, _size in CELLS:
        _record_past(orgs[code], users, extra["scores"], today)
    _coming_up(orgs, users, today)
    _orientation(orgs, users, today)
    _fees(orgs, users, today)
    return [(username, PASSWORD, label) for username, label, _cell in LOGINS]


#: The committee's own scoring sheet (rules-v2.md §5.1), named in its rule profile.
SHEET_CODE = "tan-thanh-2025"


def _scoring_sheet(committee: Organization, staff) -> None:
    """`dangy` saves Đảng ủy xã Tân Thành's own sheet, the HD 42 frame with its wording of three
    groups and stricter bands ('Tốt' from 92 points, 'Khá' from 75), and names it in the committee's
    rule profile: every cell's HD 42 meetings are scored by it."""
    from chibo.rules import services as rule_services
    from chibo.rules import services_sheets

    data = {key: engine.HD42_FRAME[key] for key in ("groups", "bands", "tot_requires_max")}
    data = {**data, "groups": [dict(g) for g in data["groups"]], "bands": {"tot": 92, "kha": 75, "trung_binh": 50}}
    names = {"preparation": "Chuẩn bị nội dung, tài liệu, thông báo", "organisation": "Điều hành của bí thư, "
             "thảo luận của đảng viên", "closing": "Kết luận, biểu quyết, đánh giá xếp loại"}
    for group in data["groups"]:
        group["name"] = names.get(group["id"], group["name"])
    with _acting(staff):
        services_sheets.sheet_save(committee, code=SHEET_CODE, name="Phiếu chấm của Đảng ủy xã Tân Thành",
                                   source="Hướng dẫn 42-HD/BTCTW; Kế hoạch 02-KH/ĐU của Đảng ủy xã", data=data,
                                   user=staff)
        rule_services.profile_update(committee, user=staff, values={"rubric": SHEET_CODE})


#: The TT-C1 member (by code order) who paid none of the demo's fee months (FEE_UNPAID_REVIEW).
UNPAID = 5


def _fee_months(this: date) -> list[date]:
    """The demo's fee months, up to this month: from three months before it, or, when those three
    do not lie in one year (loaded in February or March), from October of last year, so that
    three past months unpaid in one year are flagged FEE_UNPAID_REVIEW whenever it is loaded."""
    from chibo.fees import calculator

    first = calculator.add_months(this, -3)
    if first.year != calculator.add_months(this, -1).year:
        first = date(this.year - 1, 10, 1)
    months = [first]
    while months[-1] < this:
        months.append(calculator.add_months(months[-1], 1))
    return months


def _fees(orgs: dict, users: dict, today: date) -> None:
    """TT-C1's fee sheets of the three months before this one and of this month, and one relief
    (docstring above)."""
    from chibo.fees import calculator
    from chibo.fees import services as fee_services

    cell = orgs["TT-C1"]
    this = calculator.first_day(today)
    last = calculator.add_months(this, -1)
    with _acting(users["bithu1"]):
        members = list(Member.objects.filter(memberships__organization=cell, memberships__end__isnull=True)
                       .order_by("code"))
        secretary = Member.objects.get(user=users["bithu1"])
        fee_services.relief_save(cell=cell, member=members[2], kind="reduce_50", basis="5.2", from_month=last,
                                 to_month=calculator.add_months(last, 5), decided_by=orgs["TT"],
                                 reason="Gia đình có người ốm nặng", decision_number="08-QĐ/ĐU", decision_date=last,
                                 user=users["bithu1"])
        spans = defaultdict(list)
        for member_id, *span in Membership.objects.filter(member__in=members).values_list(
                "member_id", "organization_id", "start", "end"):
            spans[member_id].append(tuple(span))
        for k, month in enumerate(_fee_months(this)):
            rated = [c["code"] for c in calculator.schedule_for(month)["categories"] if c.get("rate_bp")]
            for i, member in enumerate(members):
                if calculator.cell_of_month(spans[member.pk], month) != cell.pk:  # moved in later
                    continue
                record = fee_services.fee_record_save(cell=cell, member=member, month=month,
                                                      category=rated[i % len(rated)], base=5_000_000 + 137_000 * i,
                                                      user=users["bithu1"])
                if i == UNPAID or (((i + 2 * k) % 9 == 4) if month < this else (i % 2 == 1)):
                    continue
                cash = i % 3 == 0
                fee_services.fee_payment_record(
                    cell=cell, member=member, month=month,
                    paid=calculator.due_after_relief(record.due, "reduce_50" if i == 2 and month >= last else None),
                    paid_on=month + timedelta(days=4), channel="cash" if cash else "portal",
                    collector=secretary if cash else None, user=users["bithu1"])


def _logins(orgs: dict, extra: dict) -> dict:
    """The demo logins, their roles and the member records they are linked to. One password hash
    for all (the demo password is public; hashing it eight times would only slow the demo)."""
    User = get_user_model()
    hashed = make_password(PASSWORD)
    users = {}
    secretaries = {cell: code for code, cell, title in extra["positions"] if title == "bi_thu"}
    for username, _label, _cell in LOGINS:
        user = User(username=username, password=hashed, is_superuser=username == "admin",
                    is_staff=username == "admin", first_name=STAFF_NAMES.get(username, ""),
                    email=f"{username}@tanthanh.example" if username in STAFF_NAMES else "")
        user.save()
        users[username] = user
    with _acting(users["admin"]):
        for username, _label, cell in LOGINS:
            user = users[username]
            if username.startswith("dangy"):
                Role.objects.create(user=user, organization=orgs["TT"], kind=Role.Kind.COMMITTEE_STAFF)
            if username == "dangy2":
                Role.objects.create(user=user, organization=orgs[cell], kind=Role.Kind.DESIGNATED)
            elif username.startswith("bithu"):
                Role.objects.create(user=user, organization=orgs[cell], kind=Role.Kind.SECRETARY)
                member = Member.objects.get(code=secretaries[cell])
                _link(member, user)
            elif username.startswith("dangvien"):
                member = (Member.objects.filter(memberships__organization=orgs[cell], memberships__end__isnull=True,
                                                user__isnull=True)
                          .exclude(code__in=[c for c, _o, _t in extra["positions"]]).order_by("code").first())
                _link(member, user)
    return users


def _link(member: Member, user) -> None:
    """Link the login to the member record (as /quan-tri/ does) and give it an address for notices."""
    member.user = user
    org_services.member_update(member, email=f"{member.code.lower()}@tanthanh.example")


def _record_past(cell: Organization, users: dict, scores: dict, today: date) -> None:
    """The cell's past meetings, as its recorder keeps them (see the module docstring)."""
    from chibo.meetings.models import Meeting, MeetingStatus
    from chibo.meetings.recording import services

    recorder, confirmer = users[RECORDERS[cell.code]], users["dangy"]
    held = list(Meeting.objects.filter(organization=cell, status=MeetingStatus.HELD, date__lt=today)
                .order_by("date"))
    pending = held[-1] if cell.code in ("TT-C2", "TT-C4") else None
    finalized = [m for m in held if m is not pending]
    for meeting in finalized:
        with _acting(recorder):
            services.meeting_field_set(meeting, "resolution_text",
                                       f"1. Chi bộ thống nhất đánh giá kết quả tháng {meeting.date:%m/%Y} và "
                                       "phương hướng nhiệm vụ tháng tới.\n2. Giao chi ủy tổ chức thực hiện nghị "
                                       "quyết, báo cáo tại kỳ sinh hoạt sau.")
            services.meeting_scores_set(meeting, **scores[meeting.ident], user=recorder)
            services.meeting_scores_adopt(meeting, recorder)
            hd42 = _hd42_scored(meeting, scores[meeting.ident], recorder, adopt=True)
            if cell.code == "TT-C1" and meeting is finalized[-1]:
                _secret_ballot(meeting, recorder)
            services.meeting_finalize(meeting, recorder)
            if hd42:
                from chibo.meetings.preparation import services_hd42

                services_hd42.meeting_results_posted_set(meeting, results_posted_on=meeting.date + timedelta(days=1),
                                                         secret_content=False, on=today)
        if meeting is not finalized[-1]:  # the latest awaits the superior's confirmation
            with _acting(confirmer):
                services.meeting_scores_confirm(meeting, confirmer)
                if hd42:
                    _hd42_official(meeting, confirmer)
    if cell.code == "TT-C1" and len(finalized) > 1:
        _amend(finalized[-2], recorder)
    if pending is not None and cell.code == "TT-C2":
        with _acting(recorder):
            services.meeting_scores_set(pending, **scores[pending.ident], user=recorder)
            _hd42_scored(pending, scores[pending.ident], recorder, adopt=False)


def _hd42_scored(meeting, scores: dict, recorder, *, adopt: bool) -> bool:
    """A meeting judged by HD 42 (rules-v2.md §0): its preparation dates, the chair as its scorer,
    the chi ủy's self-score of the entered groups (from the demo's manual scores), and, when asked,
    the cell's adoption. False (nothing done) for a meeting judged by HD 12."""
    from chibo.meetings.preparation import services_hd42
    from chibo.meetings.recording import services_quality
    from chibo.rules.services import effective_profile_for

    if engine.rulebook_for(effective_profile_for(meeting.organization), meeting.date) != "hd42-2025":
        return False
    services_hd42.meeting_hd42_prep_set(meeting, docs_posted_on=meeting.date - timedelta(days=2),
                                        committee_prepared_on=meeting.date - timedelta(days=4),
                                        superior_notified_on=meeting.notice_sent_on, scorer=meeting.chair,
                                        on=meeting.date)
    entered = {"preparation": scores["preparation"], "organisation": scores["conduct"] * 4,
               "principles": scores["principles"] // 2, "closing": 5 if scores["conduct"] >= 9 else 4}
    for group, value in entered.items():
        services_quality.quality_group_set(meeting, group, value, user=recorder)
    if adopt:
        services_quality.quality_adopt(meeting, recorder)
    return True


def _hd42_official(meeting, confirmer) -> None:
    """The superior committee decides the official grade: the grade the sheet gives."""
    from chibo.meetings import quality, selectors
    from chibo.meetings.recording import services_quality

    grade = quality.quality_score(meeting, selectors.meeting_verdict(meeting))["grade"]
    services_quality.quality_confirm_official(meeting, confirmer, grade)


def _secret_ballot(meeting, recorder) -> None:
    """An election by electronic secret ballot, opened, cast by every eligible member, closed."""
    from chibo.meetings.ballot import services as ballot
    from chibo.meetings.models import Ballot, VoteKind, VoteMethod
    from chibo.meetings.recording import services

    voters = ballot.eligible_voters(meeting)
    candidate = next(m for m in voters if m.pk not in (meeting.chair_id, meeting.secretary_id))
    vote = services.vote_record(meeting, 1, kind=VoteKind.ELECTION, method=VoteMethod.SECRET_BALLOT,
                                subject=f"Bầu bổ sung chi ủy viên: đồng chí {candidate.full_name}")
    box = ballot.ballot_open(vote, recorder)
    for i, member in enumerate(voters):
        choice = Ballot.Choice.AGAINST if i == 1 else Ballot.Choice.ABSTAIN if i == 2 else Ballot.Choice.FOR
        ballot.ballot_cast(box, member, choice)
    ballot.ballot_close(box, recorder)


def _amend(meeting, recorder) -> None:
    """Correct finalized minutes: an absence recorded as unexcused was excused (or, failing one,
    the end time was written wrong)."""
    from chibo.meetings.models import AttendanceStatus
    from chibo.meetings.recording import services

    row = meeting.attendance.filter(status=AttendanceStatus.ABSENT_UNEXCUSED).select_related("member").first()
    if row is not None:
        changes = {("attendance", row.member.code): (AttendanceStatus.ABSENT_EXCUSED, "Ốm, đã báo bí thư trước")}
        reason = "Đồng chí đã báo vắng qua điện thoại trước buổi họp; thư ký ghi nhầm là vắng không lý do."
    else:
        changes = {"end": time(21, 30)}
        reason = "Thư ký ghi nhầm giờ kết thúc."
    with _acting(recorder):
        services.meeting_amend(meeting, recorder, reason, changes)


def _coming_up(orgs: dict, users: dict, today: date) -> None:
    """The next meetings of TT-C1 (notified, two absence notices) and TT-C2 (planned, one notice),
    and a cancelled extraordinary meeting of TT-C4."""
    from chibo.meetings.models import Meeting, MeetingStatus
    from chibo.meetings.planning.services import meeting_create
    from chibo.meetings.preparation.services import absence_notice_send, notice_send
    from chibo.meetings.recording.services import meeting_cancel

    def next_meeting(code):
        return Meeting.objects.filter(organization=orgs[code], status=MeetingStatus.PLANNED,
                                      date__gt=today).order_by("date").first()

    first, second = next_meeting("TT-C1"), next_meeting("TT-C2")
    # The addresses are fictional: the notice is recorded, no mail is sent.
    with _acting(users["bithu1"]):
        notice_send(first, users["bithu1"], on=today, mail=False)
    with _acting(users["dangvien1"]):
        absence_notice_send(first, users["dangvien1"].member, "Đi công tác tại tỉnh", on=today)
    other = (Member.objects.filter(memberships__organization=orgs["TT-C1"], memberships__end__isnull=True,
                                   user__isnull=True, positions__isnull=True).order_by("-code").first())
    with _acting(users["bithu1"]):  # reported by phone, entered by the secretary
        absence_notice_send(first, other, "Chăm con ốm", on=today)
    with _acting(users["dangvien2"]):
        absence_notice_send(second, users["dangvien2"].member, "Đi khám bệnh ở bệnh viện tỉnh", on=today)
    # How the notice reached TT-C1's members (its notice page): in the application for all,
    # printed and handed to those without an e-mail address; dangvien1 has opened it.
    from chibo.meetings.preparation.services import notice_paper_record, notice_roll, without_email
    from chibo.notices.services import deliveries_opened

    with _acting(users["bithu1"]):
        notice_paper_record(first, [m.pk for m in without_email(notice_roll(first))])
    deliveries_opened(first.pk, users["dangvien1"].member.pk)
    # An extraordinary meeting of TT-C4 called off (the meeting page, list and members show why).
    with _acting(users["bithu4"]):
        extra = meeting_create(orgs["TT-C4"], date=today + timedelta(days=10), start=time(14, 0),
                               place="Phòng họp nhà trường", user=users["bithu4"])
        meeting_cancel(extra, users["bithu4"], "Trùng lịch kiểm tra học kỳ của nhà trường; chuyển sang tháng sau")


def _orientation(orgs: dict, users: dict, today: date) -> None:
    """The committee's orientation for the month of TT-C1's next meeting, taken up by TT-C1."""
    from chibo.home.services import orientation_take_up
    from chibo.meetings.models import Meeting, MeetingStatus
    from chibo.supervision.services import orientation_publish

    nxt = (Meeting.objects.filter(organization=orgs["TT-C1"], status__in=[MeetingStatus.PLANNED, MeetingStatus.NOTIFIED],
                                  date__gt=today).select_related("organization").order_by("date").first())
    with _acting(users["dangy"]):
        orientation = orientation_publish(
            orgs["TT"], year=nxt.date.year, month=nxt.date.month, user=users["dangy"],
            title="Học tập, quán triệt nghị quyết của Đảng ủy xã về chuyển đổi số",
            content="Các chi bộ phổ biến nghị quyết, thảo luận việc đưa dịch vụ công trực tuyến đến từng hộ; "
                    "mỗi đảng viên nhận hướng dẫn ít nhất hai hộ gia đình.",
            documents="Nghị quyết của Đảng ủy xã về chuyển đổi số\nĐề cương tuyên truyền của Ban Tuyên giáo")
    with _acting(users["bithu1"]):
        orientation_take_up(nxt, orientation, users["bithu1"])
