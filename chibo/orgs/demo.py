"""The demo: a fictional grassroots committee (Đảng bộ xã Tân Thành) with 4 cells and ~80 members,
positions, exempt and probationary members, a transfer, six months of meetings, and logins."""

import random
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction

from chibo.interchange.db import bundle_import
from chibo.orgs.models import Member, Organization, Position, Role

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
    ("dangy", "Cán bộ Văn phòng Đảng ủy xã (giám sát cả đảng bộ)", None),
    ("bithu1", "Bí thư Chi bộ thôn Đông", "TT-C1"),
    ("dangvien1", "Đảng viên Chi bộ thôn Đông", "TT-C1"),
    ("dangvien2", "Đảng viên Chi bộ thôn Tây", "TT-C2"),
]


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

    for cell, _name, _size in CELLS:
        for back in range(max(6, today.month - 1), 0, -1):
            y, mo = today.year, today.month - back
            while mo <= 0:
                y, mo = y - 1, mo + 12
            day = date(y, mo, rnd.choice([2, 3, 3, 3, 5]))
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
            here = [a["member"] for a in attendance if a["status"] in ("present", "late")]
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
                           "done_on": (day + timedelta(days=rnd.randint(5, 30))).isoformat() if back > 1 else None}]
                if here else [],
                "conclusion": f"Chi bộ thống nhất thông qua nghị quyết tháng {mo:02d}/{y}, phân công đảng viên "
                              "thực hiện nhiệm vụ.",
                "manual_scores": {"preparation": rnd.randint(7, 10), "conduct": rnd.randint(7, 10),
                                  "principles": rnd.randint(7, 10)},
            })
            if back % 6 in (2, 5) and cell != "TT-C4":
                visits.append({"organization": cell, "date": day.isoformat(), "visitor": "Trần Văn Bình",
                               "committee": "TT"})
    bundle = {"format": "chibo-bundle", "version": 1, "profiles": {}, "organizations": orgs, "members": members,
              "meetings": meetings, "visits": visits}
    return bundle, {"positions": positions, "start": start}


@transaction.atomic
def load_demo(today: date) -> list[tuple[str, str, str]]:
    bundle, extra = demo_bundle(today)
    bundle_import(bundle)
    codes = {p[0] for p in extra["positions"]}
    ids = dict(Member.objects.filter(code__in=codes).values_list("code", "pk"))
    orgs = {o.code: o for o in Organization.objects.all()}
    for code, cell, title in extra["positions"]:
        Position.objects.create(member_id=ids[code], organization=orgs[cell], title=title,
                                start=extra["start"])
    from chibo.meetings.services_plan import plan_year

    for code, _name, _size in CELLS:
        plan_year(orgs[code], today.year)
    User = get_user_model()
    logins = []
    for username, label, cell in LOGINS:
        user = User.objects.create_user(username=username, password=PASSWORD, is_superuser=username == "admin",
                                        is_staff=username == "admin")
        if username == "dangy":
            Role.objects.create(user=user, organization=orgs["TT"], kind=Role.Kind.COMMITTEE_STAFF)
        elif username == "bithu1":
            Role.objects.create(user=user, organization=orgs[cell], kind=Role.Kind.SECRETARY)
            Member.objects.filter(pk=ids[[p for p in extra["positions"] if p[1] == cell][0][0]]).update(user=user)
        elif username.startswith("dangvien"):
            member = Member.objects.filter(memberships__organization=orgs[cell], memberships__end__isnull=True,
                                           user__isnull=True, positions__isnull=True).order_by("code").first()
            member.user = user
            member.save(update_fields=["user"])
        logins.append((username, PASSWORD, label))
    return logins
