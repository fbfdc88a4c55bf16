"""A deterministic fictional province, for benchmarks, demos and tests.

`generate_province(members=N, cells=M, seed=S, months=K, year=Y)` writes straight to the
database: one `dang_bo_tinh`, a few upper committees (huyện), grassroots committees (xã)
with their cells, and some grassroots cells directly under a huyện; N members spread over
the M cells (3 to 60 each), with probationary, exempt and away members, transfers and
the cell officers; with K > 0, K months of meetings from January of year Y (regular,
thematic, combined, a few extraordinary), their attendance, speeches, votes, tasks and
guests, and the superiors' visits. Meetings dated from 28/10/2025 (judged by HD 42) carry its
preparation fields (documents posted, the chi ủy's agreement, the superior notified, results
posted) and most a quality record (scorer, entered groups; self-scored, adopted or official), and
every member has a fee record for every month of the period on a roll (category, income, the
calculator's due, payments), a few with a relief and a few unpaid 3 to 5 months of a year.

Everything random comes from `random.Random` streams seeded from S (one per work unit and
purpose), never from database ids or the clock, so a seed always gives the same province.
The record obeys the bundle's validity rules (spec/bundle.md): attendance, chair,
secretary, speakers and assignees are on the cell's roll that day, periods never overlap,
vote counts are whole and `invalid` only on secret ballots. It is not a perfect record:
late notices, missing months, short meetings and unexcused absences appear at realistic
rates, so that audits have something to find; `Generator.unpaid` names (by year) the members
left unpaid for FEE_UNPAID_REVIEW, exactly those the version-2 audit flags.

Rows go in work unit by work unit (a grassroots committee with its cells, or a group of
grassroots cells under a huyện), inside one transaction: memory stays bounded by the size
of a unit, and nothing is left behind if anything fails. Organisations, members, periods,
positions and meetings go through `bulk_create` (ids come back from the database); the
millions of rows a meeting owns go through `chibo.bulk.RowWriter` (see there why).

Why one module of ~900 lines: it is one program with one state (the seeded random streams and
the rows of the work unit being written); split by topic, every part would take the whole
Generator as an argument and the reader would lose the order in which a province is made,
which is the order of this file (names, tree, members, meetings, writing). It is not imported
by the application, only by `chibo generate`, the benchmarks and the tests.
"""

from __future__ import annotations

import json
import random
import time as _time
from bisect import bisect
from datetime import date, datetime, time, timedelta
from itertools import accumulate

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from chibo.bulk import RowWriter, insert_objects, loading
from chibo.fees import calculator
from chibo.fees.models import FeeRecord, Relief
from chibo.meetings.models import Attendance, Guest, Meeting, QualityRecord, Speech, Task, Vote
from chibo.orgs.codes import CODE_MESSAGE, code_ok
from chibo.orgs.models import Member, MemberPeriod, Membership, Organization, OrgKind, Position, segment
from chibo.rules.engine import PRESENT_STATUSES as PRESENT
from chibo.supervision.models import Visit

BATCH = 5000
DEFAULT_YEAR = 2025
DEFAULT_PREFIX = "T01"
MIN_CELL, MAX_CELL = 3, 60
ONE_DAY = timedelta(days=1)
#: HD 42-HD/BTCTW's date: meetings from this day are judged by it (rules-v2.md §0, `by-date`) and
#: carry its preparation fields and a quality record.
HD42_FROM = date(2025, 10, 28)
#: A member unpaid this many months of a calendar year is flagged FEE_UNPAID_REVIEW (rules-v2.md §8.3).
FEE_UNPAID_MONTHS = 3


class GenerateError(ValueError):
    """Bad parameters or codes already taken; the message is Vietnamese, for the user."""


# --------------------------------------------------------------------------------------------
# Names


class Weighted:
    """Weighted choice from a fixed table, one random() call per pick."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, table):
        self.items = [item for item, _ in table]
        self.cum = list(accumulate(weight for _, weight in table))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random):
        return self.items[bisect(self.cum, rng.random() * self.total)]


FAMILY = Weighted([
    ("Nguyễn", 380), ("Trần", 110), ("Lê", 95), ("Phạm", 70), ("Hoàng", 31), ("Huỳnh", 21),
    ("Phan", 45), ("Vũ", 20), ("Võ", 19), ("Đặng", 21), ("Bùi", 20), ("Đỗ", 14), ("Hồ", 13),
    ("Ngô", 13), ("Dương", 10), ("Lý", 5), ("Đinh", 6), ("Trương", 6), ("Đào", 4), ("Trịnh", 4),
    ("Mai", 4), ("Hà", 4), ("Lâm", 3), ("Cao", 3), ("Lương", 3), ("Tạ", 2), ("Chu", 2), ("Thái", 2),
    ("Lưu", 2), ("Châu", 2), ("Tô", 2), ("Phùng", 2), ("Triệu", 2), ("Nông", 2), ("Kiều", 1),
    ("Quách", 1), ("Tăng", 1), ("La", 1), ("Doãn", 1), ("Khúc", 1), ("Lục", 1), ("Vương", 1),
])
MIDDLE_MALE = Weighted([
    ("Văn", 330), ("Hữu", 70), ("Đức", 70), ("Minh", 70), ("Thanh", 50), ("Quang", 50), ("Công", 45),
    ("Xuân", 35), ("Ngọc", 35), ("Quốc", 35), ("Đình", 35), ("Trọng", 25), ("Bá", 20), ("Tiến", 18),
    ("Anh", 15), ("Hoàng", 15), ("Duy", 15), ("Thành", 15), ("Mạnh", 12), ("Việt", 12), ("Khắc", 10),
    ("Trung", 10), ("Chí", 10), ("Hồng", 8), ("Kim", 6), ("Gia", 6), ("Tấn", 12), ("Phước", 8),
])
MIDDLE_FEMALE = Weighted([
    ("Thị", 560), ("Ngọc", 70), ("Thanh", 55), ("Thu", 45), ("Minh", 25), ("Kim", 30), ("Hồng", 30),
    ("Mỹ", 20), ("Phương", 18), ("Bích", 18), ("Thúy", 15), ("Hoài", 10), ("Diệu", 8), ("Bảo", 8),
    ("Quỳnh", 8), ("Khánh", 8), ("Hải", 8), ("Cẩm", 8), ("Tuyết", 6), ("Lan", 6),
])
SECOND_MIDDLE_FEMALE = ("Thanh", "Thu", "Ngọc", "Minh", "Kim", "Hồng", "Mỹ", "Phương", "Bích", "Hoài")
GIVEN_MALE = (
    "An", "Anh", "Bảo", "Bình", "Chiến", "Chính", "Công", "Cường", "Dũng", "Duy", "Dương", "Đạt", "Định",
    "Đông", "Đức", "Giang", "Hải", "Hào", "Hậu", "Hiếu", "Hiệp", "Hòa", "Hoan", "Hoàng", "Huấn", "Hùng",
    "Huy", "Hưng", "Khải", "Khang", "Khánh", "Khoa", "Kiên", "Lâm", "Lộc", "Long", "Lợi", "Luân", "Lực",
    "Mạnh", "Minh", "Nam", "Nghĩa", "Ngọc", "Nhân", "Nhật", "Phát", "Phong", "Phúc", "Phương", "Quân",
    "Quang", "Quý", "Sang", "Sinh", "Sơn", "Tài", "Tâm", "Tân", "Thái", "Thắng", "Thành", "Thanh",
    "Thịnh", "Thông", "Thuận", "Tiến", "Toàn", "Trí", "Trung", "Trường", "Tú", "Tuấn", "Tùng", "Tuyên",
    "Tường", "Việt", "Vinh", "Vũ", "Xuân", "Hiển", "Hợp", "Khiêm", "Lạc", "Nguyên", "Quyết", "Sỹ", "Thọ",
)
GIVEN_FEMALE = (
    "Anh", "Ánh", "Bích", "Châu", "Chi", "Cúc", "Diễm", "Diệp", "Dung", "Duyên", "Đào", "Giang", "Hà",
    "Hải", "Hạnh", "Hằng", "Hậu", "Hiền", "Hoa", "Hòa", "Hoài", "Hồng", "Huệ", "Hương", "Hường", "Huyền",
    "Lan", "Liên", "Linh", "Loan", "Lụa", "Lý", "Mai", "Minh", "My", "Nga", "Ngân", "Ngọc", "Nguyệt",
    "Nhàn", "Nhi", "Nhung", "Oanh", "Phương", "Phượng", "Quyên", "Quỳnh", "Sen", "Tâm", "Thảo", "Thắm",
    "Thanh", "Thơm", "Thu", "Thủy", "Thúy", "Thư", "Trang", "Trinh", "Tuyết", "Uyên", "Vân", "Vy", "Xuân",
    "Yến", "Hiên", "Lài", "Mến", "Nhạn", "Thoa", "Trâm", "Bình",
)


def person_name(rng: random.Random, female: bool) -> str:
    family = FAMILY.pick(rng)
    if female:
        middle = MIDDLE_FEMALE.pick(rng)
        if rng.random() < 0.08:
            second = rng.choice(SECOND_MIDDLE_FEMALE)
            if second != middle:
                middle = f"{middle} {second}"
        given = rng.choice(GIVEN_FEMALE)
    else:
        middle = MIDDLE_MALE.pick(rng)
        given = rng.choice(GIVEN_MALE)
    if middle.endswith(given):  # "Thị Thanh Thanh" and the like
        given = rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)
    return f"{family} {middle} {given}"


PLACE_1 = (
    "Tân", "Phú", "An", "Bình", "Hòa", "Long", "Thạnh", "Mỹ", "Vĩnh", "Hưng", "Xuân", "Thanh", "Quảng",
    "Hải", "Sơn", "Đông", "Tây", "Nam", "Bắc", "Phước", "Thái", "Hiệp", "Đại", "Trung", "Đức", "Kim",
    "Ngọc", "Cẩm", "Lộc", "Thuận", "Minh", "Gia", "Hợp", "Nghĩa", "Tiên", "Yên", "Quang", "Hoài",
)
PLACE_2 = (
    "Lợi", "Phong", "Thịnh", "Khánh", "Lạc", "Điền", "Hà", "Giang", "Lâm", "Tiến", "Thành", "Châu",
    "Định", "Hậu", "Hội", "Lập", "Phát", "Tân", "Đông", "Tây", "Hòa", "An", "Bình", "Phú", "Hưng",
    "Sơn", "Thủy", "Trạch", "Mỹ", "Xuân", "Trường", "Vinh", "Thuận", "Quý", "Phước", "Nguyên", "Hiệp",
)


def place_name(rng: random.Random, used: set[str]) -> str:
    for _ in range(50):
        a, b = rng.choice(PLACE_1), rng.choice(PLACE_2)
        name = f"{a} {b}"
        if a != b and name not in used:
            used.add(name)
            return name
    name = f"{rng.choice(PLACE_1)} {rng.choice(PLACE_2)} {len(used) + 1}"
    used.add(name)
    return name


VILLAGE_CELL_KINDS = ("Thôn", "Thôn", "Thôn", "Ấp", "Khu phố", "Tổ dân phố", "Bản", "Xóm")
XA_INSTITUTIONS = (
    "Trường Tiểu học {x}", "Trường Trung học cơ sở {x}", "Trường Mầm non {x}", "Trạm Y tế xã {x}",
    "Công an xã {x}", "Quân sự xã {x}", "cơ quan Đảng ủy - HĐND - UBND xã {x}", "Hợp tác xã nông nghiệp {x}",
)
HUYEN_INSTITUTIONS = (
    "Trường Trung học phổ thông {p}", "Trung tâm Y tế huyện {h}", "Phòng Giáo dục và Đào tạo huyện {h}",
    "Phòng Tài chính - Kế hoạch huyện {h}", "Chi cục Thuế khu vực {h}", "Kho bạc Nhà nước {h}",
    "Ngân hàng Chính sách xã hội huyện {h}", "Trung tâm Văn hóa - Thể thao huyện {h}",
    "Ban Quản lý dự án đầu tư xây dựng huyện {h}", "Bảo hiểm xã hội huyện {h}", "Tòa án nhân dân huyện {h}",
    "Viện Kiểm sát nhân dân huyện {h}", "Phòng Nông nghiệp và Môi trường huyện {h}",
    "Trường Trung học phổ thông {p}", "Trung tâm Giáo dục nghề nghiệp huyện {h}", "Công ty cổ phần {p}",
)

# --------------------------------------------------------------------------------------------
# Minutes vocabulary

ABSENCE_REASONS = (
    "Ốm", "Ốm", "Đi công tác", "Đi công tác", "Việc gia đình", "Việc gia đình", "Đi làm ăn xa",
    "Đưa người nhà đi khám bệnh", "Trực cơ quan", "Đi học", "Nằm viện điều trị", "Đám cưới người thân",
    "Tuổi cao, sức yếu", "Đi tập huấn",
)
EXEMPT_REASONS = ("Tuổi cao, sức khỏe yếu", "Tuổi cao", "Bệnh hiểm nghèo, điều trị dài ngày", "Sức khỏe yếu")
AWAY_REASONS = (
    "Sinh hoạt tạm thời nơi khác", "Đi học tập trung dài hạn", "Đi lao động ở nước ngoài",
    "Công tác biệt phái", "Đi làm ăn xa, sinh hoạt tạm thời tại nơi cư trú mới", "Nghỉ thai sản",
)
RESCHEDULE_REASONS = (
    "Trùng lịch tiếp xúc cử tri", "Nghỉ Tết Nguyên đán", "Ảnh hưởng của mưa bão",
    "Trùng lịch hội nghị của Đảng ủy", "Bí thư chi bộ đi tập huấn", "Trùng mùa vụ thu hoạch",
    "Trùng lịch tổ chức lễ hội truyền thống",
)
TOPICS = (
    "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    "Nâng cao chất lượng sinh hoạt chi bộ",
    "Xây dựng nông thôn mới nâng cao, nông thôn mới kiểu mẫu",
    "Chuyển đổi số trong hoạt động của chi bộ và cơ quan",
    "Phát huy vai trò nêu gương của đảng viên",
    "Bảo đảm an ninh trật tự trên địa bàn dân cư",
    "Phòng, chống tham nhũng, tiêu cực và lãng phí",
    "Công tác phát triển đảng viên trong đoàn viên thanh niên",
    "Bảo vệ môi trường, thu gom và phân loại rác thải tại nguồn",
    "Thực hiện quy chế dân chủ ở cơ sở",
    "Đấu tranh phản bác các quan điểm sai trái, thù địch",
    "Phát triển kinh tế hộ gia đình, giảm nghèo bền vững",
)
SPEECH_ITEMS = (
    "Đánh giá kết quả thực hiện nhiệm vụ tháng", "Thảo luận", "Ý kiến về dự thảo nghị quyết",
    "Phương hướng nhiệm vụ tháng tới", "Tình hình tư tưởng quần chúng", "Kiểm điểm việc thực hiện nhiệm vụ được giao",
    "Công tác xây dựng Đảng",
)
SPEECH_SUMMARIES = (
    "Thống nhất với dự thảo nghị quyết", "Báo cáo tiến độ nhiệm vụ được giao",
    "Phản ánh ý kiến bà con về giá phân bón", "Đề nghị sửa chữa đường liên thôn",
    "Đề xuất tổ chức lớp tập huấn kỹ thuật trồng trọt", "Đề nghị tăng cường tuần tra ban đêm",
    "Phản ánh tình trạng rác thải ven kênh", "Đề nghị biểu dương gia đình hiến đất làm đường",
    "Góp ý bổ sung giải pháp vận động thu quỹ", "Đề nghị chi bộ quan tâm công tác phát triển đảng viên",
    "Nêu khó khăn trong chuyển đổi cơ cấu cây trồng", "Đề nghị làm rõ trách nhiệm trong việc chậm tiến độ",
    "Chia sẻ kinh nghiệm nuôi trồng thủy sản", "Phản ánh ý kiến về thủ tục hành chính",
)
TASKS = (
    "Vận động hộ dân hiến đất mở rộng đường", "Tuyên truyền phòng, chống sốt xuất huyết",
    "Thu đảng phí quý", "Rà soát hộ nghèo, cận nghèo", "Chuẩn bị nội dung sinh hoạt chuyên đề",
    "Nắm tình hình tư tưởng quần chúng", "Hướng dẫn cảm tình đảng viên viết lý lịch",
    "Vận động đóng góp quỹ vì người nghèo", "Kiểm tra việc phân loại rác tại nguồn",
    "Tổ chức tổng vệ sinh môi trường", "Phối hợp tổ an ninh tuần tra", "Cập nhật sổ theo dõi đảng viên",
    "Giúp đỡ quần chúng ưu tú phấn đấu vào Đảng", "Báo cáo kết quả thực hiện nghị quyết với Đảng ủy",
)
CONCLUSIONS = (
    "Chi bộ thống nhất thông qua nghị quyết và phân công đảng viên thực hiện.",
    "Chi bộ thống nhất các nhiệm vụ trọng tâm tháng tới, giao chi ủy theo dõi, đôn đốc.",
    "Chi bộ thống nhất đánh giá kết quả tháng và các giải pháp khắc phục hạn chế.",
    "Chi bộ thống nhất nội dung kết luận, giao đảng viên phụ trách báo cáo tại kỳ họp sau.",
)
VISIT_REMARKS = (
    "Chi bộ chuẩn bị nội dung chu đáo; cần tăng cường phát biểu của đảng viên trẻ.",
    "Đề nghị chi bộ quan tâm theo dõi thực hiện nhiệm vụ đã giao.",
    "Sinh hoạt đúng quy trình; cần nâng cao tính chiến đấu trong tự phê bình và phê bình.",
    "Đề nghị chi bộ bảo đảm thời gian sinh hoạt và tỷ lệ đảng viên dự họp.",
)

# --------------------------------------------------------------------------------------------
# Dates


def add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29/2
        return d.replace(year=d.year + years, day=28) + ONE_DAY


def month_end(y: int, m: int) -> date:
    return (date(y + 1, 1, 1) if m == 12 else date(y, m + 1, 1)) - ONE_DAY


def between(rng: random.Random, a: date, b: date) -> date:
    """A random day in [a, b] (a when b < a)."""
    span = (b - a).days
    return a if span <= 0 else a + timedelta(days=rng.randint(0, span))


def months_of(year: int, count: int) -> list[tuple[int, int]]:
    return [(year + i // 12, i % 12 + 1) for i in range(count)]


# --------------------------------------------------------------------------------------------
# Plans (pure Python, deterministic, small: one entry per organisation)


class CellPlan:
    __slots__ = ("code", "name", "kind", "parent", "established", "size", "first", "place", "office",
                 "visitor", "visitor_title", "pk", "path", "locality")

    def __init__(self, code, name, kind, parent, established, office, place):
        self.code, self.name, self.kind, self.parent = code, name, kind, parent
        self.established, self.office, self.place = established, office, place
        self.locality = parent.locality
        self.path = ""
        self.size = self.first = 0
        self.visitor = self.visitor_title = ""
        self.pk = None


class OrgPlan:
    __slots__ = ("code", "name", "kind", "parent", "established", "locality", "pk", "path")

    def __init__(self, code, name, kind, parent, established, locality=""):
        self.code, self.name, self.kind, self.parent = code, name, kind, parent
        self.established, self.locality = established, locality
        self.pk, self.path = None, ""


def split(rng: random.Random, total: int, parts: int, minimum: int, shape: float = 4.0) -> list[int]:
    """`total` split into `parts` random integers, each at least `minimum` (total >= parts * minimum)."""
    weights = [rng.gammavariate(shape, 1.0) for _ in range(parts)]
    extra = total - parts * minimum
    s = sum(weights)
    out = [minimum + int(extra * w / s) for w in weights]
    for i in range(total - sum(out)):
        out[i % parts] += 1
    return out


def cell_sizes(rng: random.Random, members: int, weights: list[float]) -> list[int]:
    """Members per cell: MIN_CELL..MAX_CELL each, summing to `members`, skewed like real cells."""
    n = len(weights)
    extra = members - MIN_CELL * n
    room = MAX_CELL - MIN_CELL
    draws = [w * rng.lognormvariate(0.0, 0.75) for w in weights]
    s = sum(draws)
    sizes = [min(room, int(extra * d / s)) for d in draws]
    left = extra - sum(sizes)
    open_ = [i for i in range(n) if sizes[i] < room]
    while left > 0:
        j = rng.randrange(len(open_))
        i = open_[j]
        sizes[i] += 1
        left -= 1
        if sizes[i] >= room:
            open_[j] = open_[-1]
            open_.pop()
    return [MIN_CELL + x for x in sizes]


class ProvincePlan:
    """The tree: organisations in creation order and the work units (lists of cells)."""

    def __init__(self, members: int, cells: int, seed: int, prefix: str):
        rng = random.Random(f"{seed}/tree")
        used: set[str] = set()
        province = place_name(rng, used)
        self.root = OrgPlan(prefix, f"Đảng bộ tỉnh {province}", OrgKind.PROVINCE, None, date(1930, 2, 3), province)
        self.upper: list[OrgPlan] = []
        self.grassroots: list[OrgPlan] = []
        self.cells: list[CellPlan] = []
        self.units: list[list[CellPlan]] = []
        n_upper = max(1, min(20, round(cells / 800)))
        for h, h_cells in enumerate(split(rng, cells, n_upper, 1), 1):
            hname = place_name(rng, used)
            hcode = f"{prefix}-H{h:02d}"
            huyen = OrgPlan(hcode, f"Đảng bộ huyện {hname}", OrgKind.UPPER, self.root,
                            date(rng.randint(1946, 1980), rng.randint(1, 12), 1), hname)
            self.upper.append(huyen)
            direct = min(h_cells - 1, round(h_cells * rng.uniform(0.05, 0.12))) if h_cells > 1 else 1
            rest = h_cells - direct
            direct_cells = []
            local: set[str] = set()   # place names within the huyện
            taken: set[str] = set()
            for c in range(1, direct + 1):
                inst = rng.choice(HUYEN_INSTITUTIONS)
                if inst in taken:  # one Trung tâm Y tế per huyện; schools and companies take a place name
                    inst = rng.choice(("Trường Trung học phổ thông {p}", "Công ty cổ phần {p}"))
                taken.add(inst)
                inst = inst.format(h=hname, p=place_name(rng, local))
                direct_cells.append(CellPlan(
                    f"{hcode}-C{c:02d}", f"Chi bộ {inst}", OrgKind.GRASSROOTS_CELL, huyen,
                    date(rng.randint(1976, 2018), rng.randint(1, 12), 1), True, f"Phòng họp {inst}"))
            n_xa = max(1, round(rest / rng.uniform(12, 22))) if rest else 0
            n_xa = min(n_xa, max(1, rest // 3)) if rest else 0
            for x, x_cells in enumerate(split(rng, rest, n_xa, min(3, rest // max(n_xa, 1))) if n_xa else [], 1):
                xname = place_name(rng, used)
                xcode = f"{hcode}-X{x:02d}"
                xa = OrgPlan(xcode, f"Đảng bộ xã {xname}", OrgKind.GRASSROOTS, huyen,
                             date(rng.randint(1950, 1990), rng.randint(1, 12), 1), xname)
                self.grassroots.append(xa)
                n_inst = min(len(XA_INSTITUTIONS), max(0, x_cells // 5))
                insts = rng.sample(XA_INSTITUTIONS, n_inst)
                village = rng.choice(VILLAGE_CELL_KINDS)
                hamlets: set[str] = set()   # village names within the xã
                unit = []
                for c in range(1, x_cells + 1):
                    est = date(rng.randint(1975, 2019), rng.randint(1, 12), 1)
                    if c > x_cells - n_inst:
                        inst = insts[x_cells - c].format(x=xname)
                        cell = CellPlan(f"{xcode}-C{c:02d}", f"Chi bộ {inst}", OrgKind.CELL, xa, est, True,
                                        f"Phòng họp {inst}")
                    else:
                        label = f"{village} {c}" if rng.random() < 0.5 else f"{village} {place_name(rng, hamlets)}"
                        label = label[0].lower() + label[1:]
                        hall = rng.choice(("Nhà văn hóa", "Hội trường"))
                        cell = CellPlan(f"{xcode}-C{c:02d}", f"Chi bộ {label}", OrgKind.CELL, xa, est, False,
                                        f"{hall} {label}")
                    unit.append(cell)
                self.units.append(unit)
            for i in range(0, len(direct_cells), 20):
                self.units.append(direct_cells[i : i + 20])
        # Units in tree order, so member codes follow the tree.
        self.units.sort(key=lambda u: u[0].code)
        self.cells = [c for u in self.units for c in u]
        weights = [1.8 if c.kind == OrgKind.GRASSROOTS_CELL else (1.3 if c.office else 1.0) for c in self.cells]
        for cell, size in zip(self.cells, cell_sizes(rng, members, weights), strict=True):
            cell.size = size
        first = 1
        for cell in self.cells:
            cell.first, first = first, first + cell.size
            cell.visitor = person_name(rng, rng.random() < 0.3)
            cell.visitor_title = ("Huyện ủy viên" if cell.kind == OrgKind.GRASSROOTS_CELL
                                  else rng.choice(("Đảng ủy viên", "Phó Bí thư Đảng ủy", "Ủy viên Ban Thường vụ Đảng ủy")))


# --------------------------------------------------------------------------------------------
# High-volume rows

# The rows a meeting owns (and visits), by far the bulk of a province with meetings: millions of
# rows whose ids nobody needs back: written by chibo.bulk.RowWriter (COPY on PostgreSQL).
CHILD_FIELDS = {
    Attendance: ("meeting", "member", "position", "status", "reason"),
    Speech: ("meeting", "member", "position", "item", "summary"),
    Vote: ("meeting", "position", "kind", "subject", "method", "votes_for", "votes_against", "votes_abstain",
           "votes_invalid"),
    Task: ("meeting", "assignee", "position", "description", "due", "done_on"),
    Guest: ("meeting", "position", "name", "title", "organization"),
    Visit: ("organization", "date", "visitor", "committee", "remarks"),
    QualityRecord: ("meeting", "scorer", "groups", "status", "official_grade", "scored_at", "adopted_at",
                    "confirmed_at"),
    FeeRecord: ("member", "month", "category", "base", "due", "paid", "paid_on", "channel", "collector",
                "updated_at"),
    Relief: ("member", "kind", "basis", "from_month", "to_month", "reason", "decided_by", "decision_number",
             "decision_date", "created_at"),
}

#: The tables the units fill (`chibo.bulk.loading`: an empty one gets its indexes and foreign
#: keys after its rows).
LOADED_MODELS = (Member, Membership, MemberPeriod, Position, Meeting, *CHILD_FIELDS)


# --------------------------------------------------------------------------------------------
# Members of one unit


class Person:
    __slots__ = ("num", "code", "name", "female", "birth", "joined", "official", "stints", "exempt", "away",
                 "reliability", "pk", "movable")

    def in_cell(self, cell: int, d: date) -> bool:
        for c, start, end in self.stints:
            if c == cell and start <= d and (end is None or d <= end):
                return True
        return False


class _Span:
    __slots__ = ("from_month", "to_month")

    def __init__(self, from_month, to_month):
        self.from_month, self.to_month = from_month, to_month


def is_in(period, d: date) -> bool:
    return period is not None and period[0] <= d and (period[1] is None or d <= period[1])


class Generator:
    def __init__(self, *, members: int, cells: int, seed: int, months: int = 0, year: int = DEFAULT_YEAR,
                 prefix: str = DEFAULT_PREFIX, progress=None, version: int = 2):
        if version not in (1, 2):
            raise GenerateError("Phiên bản dữ liệu phải là 1 hoặc 2.")
        self.version = version
        if cells < 1:
            raise GenerateError("Số chi bộ phải ít nhất là 1.")
        if not MIN_CELL * cells <= members <= MAX_CELL * cells:
            raise GenerateError(
                f"Số đảng viên phải từ {MIN_CELL * cells} đến {MAX_CELL * cells} "
                f"({MIN_CELL} đến {MAX_CELL} đảng viên mỗi chi bộ, {cells} chi bộ).")
        if not 0 <= months <= 120:
            raise GenerateError("Số tháng sinh hoạt phải từ 0 đến 120.")
        if not 1950 <= year <= 2100:
            raise GenerateError("Năm phải từ 1950 đến 2100.")
        prefix = prefix.strip()
        if not prefix or len(prefix) > 20 or any(ch.isspace() for ch in prefix):
            raise GenerateError("Tiền tố mã phải có từ 1 đến 20 ký tự, không có khoảng trắng.")
        if not code_ok(prefix):
            raise GenerateError(f"Tiền tố mã '{prefix}' không hợp lệ. {CODE_MESSAGE}")
        self.members, self.cells, self.seed = members, cells, seed
        self.months, self.year, self.prefix = months, year, prefix
        self.progress = progress or (lambda message: None)
        self.code_width = max(6, len(str(members)))
        self.start = date(year, 1, 1)
        # Member dates are drawn against at least one whole year, so --months does not change the members.
        span = months_of(year, max(months, 12))[-1]
        self.end = month_end(*span)
        self.meeting_months = months_of(year, months)
        self.counts = dict.fromkeys(("organizations", "cells", "members", "memberships", "periods", "positions",
                                     "meetings", "attendance", "speeches", "votes", "tasks", "guests", "visits",
                                     "quality", "fee_records", "reliefs", "fee_unpaid_members"), 0)
        #: The codes of the members made to leave FEE_UNPAID_MONTHS or more months of a calendar year
        #: unpaid (by year): exactly those the version-2 audit flags FEE_UNPAID_REVIEW.
        self.unpaid: dict[int, list[str]] = {}
        self._stamps: dict = {}
        self.writers = {model: RowWriter(model, fields) for model, fields in CHILD_FIELDS.items()}

    # -- entry point

    def codes_taken(self) -> bool:
        p = self.prefix
        return (Organization.objects.filter(Q(code=p) | Q(code__startswith=f"{p}-")).exists()
                or Member.objects.filter(code__startswith=f"{p}-").exists())

    def run(self) -> dict:
        t0 = _time.monotonic()
        with transaction.atomic():
            if self.codes_taken():
                raise GenerateError(
                    f"Mã '{self.prefix}' đã có trong cơ sở dữ liệu (tổ chức hoặc đảng viên mang tiền tố "
                    f"'{self.prefix}-'): chọn tiền tố khác hoặc dùng cơ sở dữ liệu mới.")
            plan = ProvincePlan(self.members, self.cells, self.seed, self.prefix)
            self.create_tree(plan)
            self.progress(f"Đã tạo {self.counts['organizations']} tổ chức ({_time.monotonic() - t0:.1f} s).")
            with loading(LOADED_MODELS):  # into a new database: indexes and keys made once, at the end
                for i, unit in enumerate(plan.units):
                    self.unit(i, unit)
                    if (i + 1) % 100 == 0:
                        self.progress(f"{i + 1}/{len(plan.units)} đơn vị, {self.counts['members']} đảng viên, "
                                      f"{self.counts['meetings']} cuộc họp ({_time.monotonic() - t0:.1f} s).")
                self.flush(force=True)
                self.progress(f"Đã ghi các dòng ({_time.monotonic() - t0:.1f} s); tạo chỉ mục và khóa ngoại.")
        self.root_code = plan.root.code
        return dict(self.counts)

    # -- organisations

    def create_tree(self, plan: ProvincePlan) -> None:
        levels = [[plan.root], plan.upper,
                  plan.grassroots + [c for c in plan.cells if c.kind == OrgKind.GRASSROOTS_CELL],
                  [c for c in plan.cells if c.kind == OrgKind.CELL]]
        for level in levels:
            objs = [Organization(code=o.code, name=o.name, kind=o.kind, parent_id=o.parent.pk if o.parent else None,
                                 established_on=o.established, locality=o.locality)
                    for o in level]
            Organization.objects.bulk_create(objs, batch_size=BATCH)
            for o, obj in zip(level, objs, strict=True):
                o.pk = obj.pk
                o.path = (o.parent.path if o.parent else "") + segment(obj.pk)
                obj.path, obj.depth = o.path, len(o.path) // len(segment(0)) - 1
            Organization.objects.bulk_update(objs, ["path", "depth"], batch_size=1000)
            self.counts["organizations"] += len(objs)
        self.counts["cells"] = len(plan.cells)

    # -- members

    def make_person(self, rng: random.Random, num: int, cell: int, plan: CellPlan) -> Person:
        p = Person()
        p.num = num
        p.code = f"{self.prefix}-{num:0{self.code_width}d}"
        p.female = rng.random() < (0.45 if plan.office else 0.33)
        p.name = person_name(rng, p.female)
        end = self.end
        probationary = rng.random() < 0.10
        if probationary:
            age = rng.randint(20, 38)
            p.joined = end - timedelta(days=rng.randint(0, 364))
            p.official = None
        else:
            age = rng.randint(24, 60) if plan.office or rng.random() < 0.55 else rng.randint(55, 88)
        p.birth = add_years(end, -age) - timedelta(days=rng.randint(0, 364))
        if not probationary:
            latest = add_years(end, -1) - ONE_DAY  # official (joined + 1 year) by the end
            if age <= 45 and rng.random() < 0.1:  # recognised during the year
                p.joined = between(rng, add_years(end, -2), latest)
            else:
                join_age = rng.randint(18, 35) if rng.random() < 0.85 else rng.randint(36, 55)
                p.joined = min(add_years(p.birth, join_age) + timedelta(days=rng.randint(0, 364)), latest)
            p.official = add_years(p.joined, 1)
        # Membership of this cell: since admission, the cell's founding, or a move earlier on.
        start = max(p.joined, plan.established)
        if not probationary and rng.random() < 0.3:
            start = between(rng, start, self.start - timedelta(days=30))
        p.stints = [(cell, start, None)]
        p.exempt = p.away = None
        age_now = end.year - p.birth.year
        if age_now >= 68 and rng.random() < 0.12:
            p.exempt = (max(start, between(rng, add_years(self.start, -6), end - timedelta(days=30))), None,
                        rng.choice(EXEMPT_REASONS))
        if rng.random() < 0.02:
            a = max(start, between(rng, self.start - timedelta(days=200), end - timedelta(days=10)))
            b = None if rng.random() < 0.2 else a + timedelta(days=rng.randint(30, 300))
            p.away = (a, b, rng.choice(AWAY_REASONS))
        r = rng.random()
        p.reliability = 0.97 if r < 0.85 else (0.88 if r < 0.97 else 0.65)
        p.movable = p.official is not None and p.official < self.start and p.exempt is None and p.away is None
        p.pk = None
        return p

    def unit(self, index: int, unit: list[CellPlan]) -> None:
        rng = random.Random(f"{self.seed}/members/{index}")
        people: list[Person] = []
        rosters: list[list[Person]] = []
        for ci, plan in enumerate(unit):
            roster = [self.make_person(rng, plan.first + k, ci, plan) for k in range(plan.size)]
            rosters.append(roster)
            people.extend(roster)
        self.transfers(rng, unit, rosters)
        members = []
        for p in people:
            m = Member(code=p.code, full_name=p.name, gender="nu" if p.female else "nam", birth_date=p.birth,
                       joined_on=p.joined, official_on=p.official)
            m.refresh_name_keys()
            members.append(m)
        insert_objects(Member, members)
        for p, m in zip(people, members, strict=True):
            p.pk = m.pk
        memberships, periods = [], []
        for p in people:
            for ci, start, end in p.stints:
                memberships.append(Membership(member_id=p.pk, organization_id=unit[ci].pk, start=start, end=end))
            for kind, period in (("exempt", p.exempt), ("away", p.away)):
                if period:
                    periods.append(MemberPeriod(member_id=p.pk, kind=kind, start=period[0], end=period[1],
                                                reason=period[2]))
        insert_objects(Membership, memberships)
        insert_objects(MemberPeriod, periods)
        officers = [self.officers(rng, unit[ci], ci, roster) for ci, roster in enumerate(rosters)]
        insert_objects(Position, [pos for o in officers for pos in o[1]])
        self.counts["members"] += len(members)
        self.counts["memberships"] += len(memberships)
        self.counts["periods"] += len(periods)
        self.counts["positions"] += sum(len(o[1]) for o in officers)
        if self.meeting_months:
            mrng = random.Random(f"{self.seed}/meetings/{index}")
            # A cell's roll: everyone who ever belonged to it, in code order (attendance order).
            rolls = [[] for _ in unit]
            for p in people:
                for ci in {s[0] for s in p.stints}:
                    rolls[ci].append(p)
            for roll in rolls:
                roll.sort(key=lambda p: p.num)
            # HD 42 fields and quality records, and the fee ledgers, draw from streams of their own, so
            # the meetings (and a version-1 audit of them) stay what they were before these existed.
            self.qrng = random.Random(f"{self.seed}/hd42/{index}")
            self.meetings(mrng, unit, rolls, officers)
            if self.version == 2:
                self.fees(random.Random(f"{self.seed}/fees/{index}"), unit, people, officers)
        self.flush()

    def transfers(self, rng: random.Random, unit: list[CellPlan], rosters: list[list[Person]]) -> None:
        """A few members move to another cell of the unit during the year: one membership closes,
        the next opens the following day. Cells stay within MIN_CELL..MAX_CELL at all times."""
        if len(unit) < 2:
            return
        current = [len(r) for r in rosters]
        ever = list(current)
        first_day, last_day = self.start + timedelta(days=15), self.end - timedelta(days=15)
        for ci, roster in enumerate(rosters):
            for p in roster:
                if not p.movable or rng.random() >= 0.015:
                    continue
                target = rng.randrange(len(unit) - 1)
                target += target >= ci
                if current[ci] <= MIN_CELL or ever[target] >= MAX_CELL:
                    continue
                on = between(rng, first_day, last_day)
                _, start, _ = p.stints[0]
                if start >= on - timedelta(days=2):
                    continue
                p.stints = [(ci, start, on - ONE_DAY), (target, on, None)]
                p.movable = False
                current[ci] -= 1
                current[target] += 1
                ever[target] += 1

    def officers(self, rng: random.Random, plan: CellPlan, ci: int, roster: list[Person]):
        """(secretary, deputy, committee members) and their Position rows. Officers are chosen among
        official members who stay in the cell all year and are neither exempt nor away."""
        stable = [p for p in roster if p.movable]
        if not stable:
            stable = [p for p in roster if len(p.stints) == 1 and p.stints[0][1] <= self.start] or roster[:1]
        officials = sum(1 for p in roster if p.official is not None)
        n = 1 + (officials >= 5) + (1 if officials >= 9 else 0) + (2 if officials >= 30 else 0)
        chosen = rng.sample(stable, min(n, len(stable)))
        congress = between(rng, add_years(self.start, -3), self.start - timedelta(days=60))
        titles = [Position.Title.SECRETARY, Position.Title.DEPUTY] + [Position.Title.COMMITTEE] * 3
        rows = []
        for p, title in zip(chosen, titles, strict=False):
            start = max(congress, p.stints[0][1])
            rows.append(Position(member_id=p.pk, organization_id=plan.pk, title=title, start=start))
        return chosen, rows

    # -- HD 42 (from 28/10/2025)

    def hd42_fields(self, kind: str, d: date, chair, secretary, finalized) -> dict:
        """A meeting's HD 42 preparation fields and its quality record (rules-v2.md §2, §5.3), from the
        unit's own stream: most on time; a realistic share late or missing, so that the version-2
        audit has DOCS_NOT_POSTED, NOTICE_MISSING, COMMITTEE_PREP_MISSING, RESULTS_NOT_POSTED and
        QUALITY_NOT_SCORED to find. `quality` is the record's values after the meeting (or None)."""
        q = self.qrng
        regular = kind in ("regular", "combined")
        fields = {}
        if kind == "extraordinary":
            fields["superior_notified_on"] = d - timedelta(days=q.randint(0, 1))
            fields["docs_posted_on"] = d - ONE_DAY if q.random() < 0.5 else None
        else:
            r = q.random()
            fields["superior_notified_on"] = (d - timedelta(days=q.randint(2, 7)) if r < 0.92 else
                                              d if r < 0.96 else None)
            r = q.random()
            fields["docs_posted_on"] = (d - timedelta(days=q.randint(1, 5)) if r < 0.87 else
                                        d if r < 0.93 else None)  # on the day: late (DOCS_NOT_POSTED)
        r = q.random()
        if regular or r < 0.8:
            fields["committee_prepared_on"] = (d - timedelta(days=q.randint(2, 10)) if r < 0.94 else
                                               None)
        r = q.random()
        if regular or r < 0.5:
            fields["results_posted_on"] = (d + timedelta(days=q.randint(0, 2)) if r < 0.85 else
                                           d + timedelta(days=q.randint(3, 12)) if r < 0.93 else None)
        if q.random() >= (0.94 if regular else 0.6):
            return fields  # not scored (QUALITY_NOT_SCORED for a regular or combined meeting)
        scorer = chair if q.random() < 0.7 else (secretary or chair)
        if q.random() < 0.04:
            scorer = None
        groups = {"preparation": q.choice((7, 8, 9, 9, 10, 10)), "organisation": q.randint(28, 40),
                  "principles": q.choice((3, 4, 5, 5, 5)), "closing": q.choice((3, 4, 5, 5, 5))}
        if q.random() < 0.03:
            groups[q.choice(tuple(groups))] = None  # a box left empty: the score is provisional
        r = q.random()
        status = "self" if r < 0.25 else "adopted" if r < 0.65 else "official"
        grade = q.choice(("tot", "tot", "kha", "kha", "kha", "trung_binh")) if status == "official" else ""
        scored = self._stamp(finalized.date())
        fields["quality"] = (
            scorer.pk if scorer else None, json.dumps(groups), status, grade, scored,
            scored if status != "self" else None,
            _stamp(finalized.date() + timedelta(days=q.randint(5, 20)), 9) if status == "official" else None)
        return fields

    def _stamp(self, day: date):
        found = self._stamps.get(day)
        if found is None:
            found = self._stamps[day] = _stamp(day)
        return found

    # -- party fees

    def fees(self, rng: random.Random, unit: list[CellPlan], people: list[Person], officers) -> None:
        """Every member's fee record for every month of the generated period in which they are on a
        roll (rules-v2.md §8.1): a category of the month's rate table and an income, the due the
        calculator's (chibo.fees.calculator; a hand-entered amount for `other`), paid mostly within
        the month, some the next, on the portal or in cash to the cell's secretary; about one member
        in a hundred with a relief (some exempt by right, open-ended; some 5.2 decisions, a few
        longer than 12 months: FEE_RELIEF_TOO_LONG); about two in a hundred leave 3 to 5 months of
        a calendar year unpaid (FEE_UNPAID_REVIEW); anyone else misses at most 2 months a year."""
        months = [date(y, m, 1) for y, m in self.meeting_months]
        secretary = [o[0][0].pk if o[0] else None for o in officers]
        writer_fee, writer_relief = self.writers[FeeRecord], self.writers[Relief]
        lasts = [calculator.last_day(month) for month in months]
        stamps = {month: self._stamp(last) for month, last in zip(months, lasts, strict=True)}
        for p in people:
            covered = []  # (month, cell index): the latest day of the month on a roll (§8.1)
            for month, last in zip(months, lasts, strict=True):
                best = best_day = None
                for ci, start, end in p.stints:
                    if start > last or (end is not None and end < month):
                        continue
                    day = last if end is None or end > last else end
                    if best_day is None or day > best_day:
                        best, best_day = ci, day
                if best is not None:
                    covered.append((month, best))
            if not covered:
                continue
            age = self.end.year - p.birth.year
            r = rng.random()
            office = unit[covered[0][1]].office
            if age >= 62 and r < 0.7:
                category, base = "pension", rng.randrange(3_000, 9_000) * 1000
            elif office or r < 0.6:
                category, base = "salary", rng.randrange(4_500, 18_000) * 1000
            else:
                category, base = "other", None
            by_hand = rng.choice((2000, 3000, 5000, 10000, 20000))
            # A relief: exempt by right (50 years in the Party or the very old), or a 5.2 decision.
            relief = None
            by_year: dict[int, list[int]] = {}
            for k, (month, _) in enumerate(covered):
                by_year.setdefault(month.year, []).append(k)
            defaulter = rng.random() < 0.02 and any(len(ks) >= FEE_UNPAID_MONTHS for ks in by_year.values())
            if not defaulter and rng.random() < 0.012:
                first = covered[rng.randrange(len(covered))][0]
                if age >= 78 or p.joined <= add_years(first, -50):
                    relief = ("exempt", "5.1", first, None, "Đảng viên 50 năm tuổi Đảng, có đơn đề nghị")
                else:
                    long = rng.random() < 0.1
                    span = rng.randint(13, 18) if long else rng.randint(3, 12)
                    relief = (rng.choice(("exempt", "reduce_30", "reduce_50", "reduce_50", "reduce_70")), "5.2",
                              first, None if long and rng.random() < 0.3 else calculator.add_months(first, span - 1),
                              rng.choice(("Gia đình có người ốm nặng", "Bản thân ốm đau dài ngày",
                                          "Hộ gia đình bị thiệt hại do thiên tai", "Hoàn cảnh kinh tế khó khăn")))
                kind, basis, first, to, reason = relief
                cell = unit[covered[0][1]]
                decided = calculator.add_months(first, -1) + timedelta(days=rng.randint(9, 24))
                writer_relief.add((p.pk, kind, basis, first, to, reason, cell.parent.pk,
                                   f"{rng.randint(1, 120):02d}-QĐ/ĐU", decided, self._stamp(decided)))
                self.counts["reliefs"] += 1
            unpaid: set[int] = set()
            if defaulter:
                for ks in by_year.values():
                    if len(ks) >= FEE_UNPAID_MONTHS:
                        unpaid.update(rng.sample(ks, rng.randint(FEE_UNPAID_MONTHS, min(5, len(ks)))))
                years = sorted({covered[k][0].year for k in unpaid})
                for y in years:
                    self.unpaid.setdefault(y, []).append(p.code)
                self.counts["fee_unpaid_members"] += 1
            missed: dict[int, int] = {}
            for k, (month, ci) in enumerate(covered):
                cat = category
                if month >= date(2026, 2, 1):  # QĐ 01's table (rules-v2.md §8.4)
                    cat = {"salary": "bhxh", "pension": "pension"}.get(category) or (
                        "student" if age <= 24 else "other")
                proposal = calculator.propose(month, cat, base if cat in ("salary", "bhxh", "pension") else None)
                due = proposal.amount if proposal.amount is not None else by_hand
                kind = relief[0] if relief and calculator.relief_of_month(
                    [_Span(relief[2], relief[3])], month) else None
                after = calculator.due_after_relief(due, kind)
                paid, paid_on, channel, collector = after, None, "", None
                if k in unpaid:
                    paid = after // 2 if rng.random() < 0.3 else 0
                elif after and rng.random() < 0.012 and missed.get(month.year, 0) < FEE_UNPAID_MONTHS - 1:
                    missed[month.year] = missed.get(month.year, 0) + 1
                    paid = 0
                elif after and rng.random() < 0.05:
                    paid = -(-after // 10000) * 10000  # rounded up: more than due is welcome
                if paid:
                    paid_on = (month + timedelta(days=rng.randint(0, 27)) if rng.random() < 0.9
                               else calculator.add_months(month, 1) + timedelta(days=rng.randint(0, 19)))
                    if rng.random() < 0.55:
                        channel = "portal"
                    else:
                        channel, collector = "cash", secretary[ci]
                writer_fee.add((p.pk, month, cat, base if proposal.needs_base else None, due, paid, paid_on,
                                channel, collector, stamps[month]))
            self.counts["fee_records"] += len(covered)
        self.flush()

    # -- meetings

    def meetings(self, rng: random.Random, unit: list[CellPlan], rolls, officers) -> None:
        meetings: list[Meeting] = []
        parts: list[tuple] = []   # (meeting index or None, model, values in CHILD_FIELDS order after meeting)
        for ci, plan in enumerate(unit):
            self.cell_meetings(rng, ci, plan, rolls[ci], officers[ci][0], meetings, parts)
        insert_objects(Meeting, meetings)
        self.counts["meetings"] += len(meetings)
        writers = self.writers
        for mi, model, values in parts:
            writers[model].add((meetings[mi].pk, *values) if mi is not None else values)
        self.flush()

    def flush(self, force: bool = False) -> None:
        for writer in self.writers.values():
            writer.flush(force)

    def cell_meetings(self, rng, ci, plan: CellPlan, roll: list[Person], chosen: list[Person], meetings, parts):
        code = plan.code
        office = plan.office
        habit = (rng.choice(((14, 0), (8, 0), (16, 0), (14, 30))) if office
                 else rng.choice(((19, 30), (19, 30), (19, 0), (20, 0), (14, 0))))
        regular_day = rng.choice((1, 2, 3, 3, 3))
        # Which quarters have a thematic meeting, and whether it is combined with a regular one.
        schedule = []   # (date, kind, month index, rescheduled reason)
        by_quarter: dict[tuple[int, int], list[int]] = {}
        for i, (y, m) in enumerate(self.meeting_months):
            by_quarter.setdefault((y, (m - 1) // 3 + 1), []).append(i)
        combined_at, thematic_at = set(), {}
        for months in by_quarter.values():
            r = rng.random()
            if r < 0.30:
                combined_at.add(rng.choice(months))
            elif r < 0.85:
                thematic_at[rng.choice(months)] = rng.randint(16, 25)
        for i, (y, m) in enumerate(self.meeting_months):
            if rng.random() < 0.02 and i not in combined_at:
                pass  # the month's meeting was skipped
            else:
                r = rng.random()
                day = regular_day if r < 0.82 else rng.randint(4, 15)
                reason = rng.choice(RESCHEDULE_REASONS) if day > 3 and rng.random() < 0.6 else ""
                kind = "combined" if i in combined_at else "regular"
                schedule.append((date(y, m, day), kind, i, reason))
            if i in thematic_at:
                schedule.append((date(y, m, thematic_at[i]), "thematic", i, ""))
            if rng.random() < 0.01:
                schedule.append((date(y, m, rng.randint(26, 28)), "extraordinary", i, ""))
        schedule.sort(key=lambda s: s[0])
        # Superior visits: about one per half-year, at one of the cell's meetings.
        halves: dict[tuple[int, int], list[int]] = {}
        for k, (d, kind, _, _) in enumerate(schedule):
            if kind != "extraordinary":
                halves.setdefault((d.year, 1 if d.month <= 6 else 2), []).append(k)
        visited: set[int] = set()
        for ks in halves.values():
            r = rng.random()
            n = 0 if r < 0.12 else (2 if r > 0.92 else 1)
            for k in rng.sample(ks, min(n, len(ks))):
                visited.add(k)
        resolution_no = {}
        for k, (d, kind, i, reason) in enumerate(schedule):
            y, m = self.meeting_months[i]
            suffix = {"regular": "", "combined": "", "thematic": "-CD", "extraordinary": "-BT"}[kind]
            self.meeting(rng, ci, plan, roll, chosen, habit, d, kind, reason,
                         f"{code}-{y}-{m:02d}{suffix}", k in visited, resolution_no, meetings, parts)

    def meeting(self, rng, ci, plan: CellPlan, roll, chosen, habit, d, kind, reason, ident, visited,
                resolution_no, meetings, parts):
        # Who is on the roll that day, and their status.
        on_roll = [p for p in roll if p.in_cell(ci, d)]
        rows = []        # (person, status, reason)
        present = []
        expected_rows = []
        missing_one = rng.random() < 0.04
        for p in on_roll:
            if is_in(p.away, d):
                if rng.random() < 0.25:
                    rows.append([p, "absent_excused", p.away[2]])
                continue
            if is_in(p.exempt, d):
                r = rng.random()
                if r < 0.30:
                    rows.append([p, "present", ""])
                    present.append(p)
                elif r < 0.45:
                    rows.append([p, "absent_excused", "Được miễn công tác và sinh hoạt đảng"])
                continue
            r = rng.random()
            if r < p.reliability:
                row = [p, "late" if rng.random() < 0.03 else "present", ""]
                present.append(p)
            elif rng.random() < 0.82:
                row = [p, "absent_excused", "" if rng.random() < 0.03 else rng.choice(ABSENCE_REASONS)]
            else:
                row = [p, "absent_unexcused", ""]
            rows.append(row)
            expected_rows.append(row)
        if missing_one and len(expected_rows) > 3:
            victim = rng.choice(expected_rows)
            if victim[1] in PRESENT:
                present.remove(victim[0])
            rows.remove(victim)
            expected_rows.remove(victim)
        status_of = {id(row[0]): row for row in rows}
        # Chair and secretary: officers first, present at the meeting.
        candidates = [p for p in chosen if p.in_cell(ci, d) and not is_in(p.away, d) and not is_in(p.exempt, d)]
        if not candidates:
            candidates = [p for p in on_roll if not is_in(p.away, d)] or on_roll
        chair = secretary = None
        if candidates:
            chair = candidates[0] if rng.random() < 0.9 else rng.choice(candidates)
        others = ([p for p in candidates if p is not chair]
                  or [p for p in on_roll if p is not chair and not is_in(p.away, d)])
        if others:
            secretary = others[0] if rng.random() < 0.7 else rng.choice(others)
        for p in (chair, secretary):
            if p is None:
                continue
            row = status_of.get(id(p))
            if row is None:
                row = [p, "present", ""]
                rows.append(row)
                status_of[id(p)] = row
                present.append(p)
            elif row[1] not in PRESENT:
                row[1], row[2] = "present", ""
                present.append(p)
        rows.sort(key=lambda row: row[0].num)
        # Times, notice, text.
        extraordinary = kind == "extraordinary"
        h, mi = habit
        if rng.random() < 0.2:
            mi += rng.choice((0, 5, 10, 15))
        start = time(h, mi)
        base = {"regular": 110, "thematic": 120, "combined": 150, "extraordinary": 60}[kind]
        minutes = max(30, min(200, int(rng.gauss(base, 18))))
        end_minute = min(h * 60 + mi + minutes, 23 * 60 + 59)
        end = time(end_minute // 60, end_minute % 60)
        if rng.random() < 0.01:
            end = None
        if extraordinary:
            notice = d - timedelta(days=rng.randint(0, 1))
        else:
            r = rng.random()
            notice = (d - timedelta(days=rng.randint(2, 7)) if r < 0.86 else
                      d - ONE_DAY if r < 0.91 else d if r < 0.96 else None)
        thematic = kind in ("thematic", "combined")
        topic = rng.choice(TOPICS) if thematic and rng.random() < 0.97 else ""
        place = plan.place if rng.random() < 0.985 else ""
        conclusion = rng.choice(CONCLUSIONS) if rng.random() < 0.98 else ""
        scored = rng.random() < 0.92
        meeting_index = len(meetings)
        # Votes.
        eligible_present = sum(1 for row in rows if row[1] in PRESENT and row[0].official is not None
                               and row[0].official <= d and not is_in(row[0].away, d))
        votes = []
        if not extraordinary and rng.random() < 0.96:
            subject = (f"Nghị quyết chi bộ tháng {d.month:02d}/{d.year}" if kind != "thematic"
                       else f"Kết luận chuyên đề quý {(d.month - 1) // 3 + 1}/{d.year}")
            votes.append(("resolution", subject, "show_of_hands"))
        extra = rng.random()
        if extraordinary or extra < 0.04:
            votes.append(("admission", f"Đề nghị kết nạp quần chúng {person_name(rng, rng.random() < 0.4)} vào Đảng",
                          "secret_ballot" if rng.random() < 0.5 else "show_of_hands"))
        elif extra < 0.07:
            newly = [p for p in on_roll if p.official and 0 <= (p.official - d).days <= 45]
            if newly:
                votes.append(("recognition", f"Công nhận đảng viên chính thức đối với đồng chí {newly[0].name}",
                              "secret_ballot" if rng.random() < 0.5 else "show_of_hands"))
        elif extra < 0.08:
            votes.append(("other", "Thông qua danh sách đảng viên được đề nghị khen thưởng", "show_of_hands"))
        resolution_year = resolution_number = None
        for pos, (vkind, subject, method) in enumerate(votes):
            against = 1 if eligible_present > 2 and rng.random() < 0.03 else 0
            abstain = 1 if eligible_present > against + 2 and rng.random() < 0.10 else 0
            invalid = 1 if method == "secret_ballot" and eligible_present > against + abstain + 2 \
                and rng.random() < 0.1 else 0
            votes_for = max(0, eligible_present - against - abstain - invalid)
            parts.append((meeting_index, Vote, (pos, vkind, subject, method, votes_for, against, abstain, invalid)))
            if vkind == "resolution" and kind in ("regular", "combined"):
                resolution_year = d.year
                resolution_number = resolution_no[d.year] = resolution_no.get(d.year, 0) + 1
        self.counts["votes"] += len(votes)
        # Attendance rows.
        for pos, (p, status, why) in enumerate(rows):
            parts.append((meeting_index, Attendance, (p.pk, pos, status, why)))
        self.counts["attendance"] += len(rows)
        # Speeches by members present.
        speakers = present
        if speakers and rng.random() < 0.985:
            n = rng.randint(3, 8)
            chosen_speakers = (rng.sample(speakers, n) if len(speakers) >= n
                               else [rng.choice(speakers) for _ in range(n)])
            chosen_speakers.sort(key=lambda p: (p is not chair, p.num))
            for pos, p in enumerate(chosen_speakers):
                item = "Tham luận chuyên đề" if thematic and pos == 1 else rng.choice(SPEECH_ITEMS)
                parts.append((meeting_index, Speech, (p.pk, pos, item, rng.choice(SPEECH_SUMMARIES))))
            self.counts["speeches"] += n
        # Tasks, with follow-up.
        assignable = speakers or [p for p in on_roll if not is_in(p.away, d)]
        if assignable and not extraordinary:
            for pos in range(rng.randint(1, 3)):
                due = d + timedelta(days=rng.randint(7, 45))
                r = rng.random()
                done = (between(rng, d + ONE_DAY, due) if r < 0.80 else
                        due + timedelta(days=rng.randint(1, 20)) if r < 0.90 else None)
                if done is not None and done > self.end:
                    done = None
                parts.append((meeting_index, Task, (rng.choice(assignable).pk, pos, rng.choice(TASKS), due, done)))
                self.counts["tasks"] += 1
        # A superior attends: guest on the minutes and a visit record.
        if visited:
            parent = plan.parent
            parts.append((meeting_index, Guest, (0, plan.visitor, plan.visitor_title, parent.name)))
            parts.append((None, Visit, (plan.pk, d, plan.visitor, parent.code, rng.choice(VISIT_REMARKS))))
            self.counts["guests"] += 1
            self.counts["visits"] += 1
        finalized = timezone.make_aware(datetime.combine(d + timedelta(days=rng.randint(0, 3)), time(21, 0)))
        hd42 = self.hd42_fields(kind, d, chair, secretary, finalized) if self.version == 2 and d >= HD42_FROM else {}
        quality = hd42.pop("quality", None)
        if quality is not None:
            parts.append((meeting_index, QualityRecord, quality))
            self.counts["quality"] += 1
        meetings.append(Meeting(**hd42,
            ident=ident, organization_id=plan.pk, kind=kind, status="finalized", date=d, start=start, end=end,
            place=place, chair_id=chair.pk if chair else None, secretary_id=secretary.pk if secretary else None,
            notice_sent_on=notice, topic=topic, rescheduled_reason=reason, conclusion=conclusion,
            resolution_text=(f"Chi bộ thống nhất tập trung lãnh đạo thực hiện các nhiệm vụ trọng tâm tháng "
                             f"{d.month:02d}/{d.year}." if resolution_number else ""),
            resolution_year=resolution_year, resolution_number=resolution_number,
            score_preparation=rng.choice((7, 8, 8, 9, 9, 10)) if scored else None,
            score_conduct=rng.choice((7, 8, 8, 9, 9, 10)) if scored else None,
            score_principles=rng.choice((7, 8, 9, 9, 10)) if scored else None,
            finalized_at=finalized))


def _stamp(day: date, hour: int = 20):
    """An aware datetime on `day`, in the database's form (RowWriter takes prepared values)."""
    return QualityRecord._meta.get_field("scored_at").get_db_prep_save(
        timezone.make_aware(datetime.combine(day, time(hour, 0))), connection)


def generate_province(*, members: int, cells: int, seed: int, months: int = 0, year: int = DEFAULT_YEAR,
                      prefix: str = DEFAULT_PREFIX, progress=None, version: int = 2) -> dict:
    """Generate the province; returns the row counts, the root code and the elapsed seconds.
    `version` 1: only what a version-1 bundle carries (no HD 42 fields, quality records or fees;
    the rest is the same for a seed), so `chibo export --version 1` accepts it."""
    t0 = _time.monotonic()
    gen = Generator(members=members, cells=cells, seed=seed, months=months, year=year, prefix=prefix,
                    progress=progress, version=version)
    counts = gen.run()
    counts["root"] = gen.root_code
    counts["seconds"] = round(_time.monotonic() - t0, 2)
    return counts
