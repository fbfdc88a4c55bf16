"""The code lists of Chibo and their Vietnamese wording: the one place they are defined.

Plain Python (no Django): the rule engine, the bundle validator, the model choices, the
documents and the reports all read the codes and labels from here. A test
(`tests/test_vocabulary.py`) fails if one of these labels is written anywhere else in `chibo/`.

Each entry (`Term`) has
- `name`: the member name of the Django choices enum built from the list (`MeetingKind.REGULAR`);
- `code`: the stored and exchanged code (the bundle's, `docs/spec/bundle.md`);
- `label`: the label shown on pages, forms and the admin (sentence case);
- `in_sentence`: the same label as written inside a sentence of the minutes and the resolution
  ("Sinh hoạt chi bộ thường kỳ", "(thông qua nghị quyết, kết luận)", "vắng có lý do"); by default
  the label with a lower-case first letter;
- `short`: for the attendance statuses only, the one-tap button text (two lines at most on a
  360-px phone).

Where the copies disagreed before this module existed, the label chosen and why:
- vote kind `discipline`: "Kỷ luật" (model choices), "Kỷ luật đảng viên" (engine), "thi hành kỷ
  luật" (the minutes). Chosen: "Thi hành kỷ luật", the minutes' wording (the usual phrase of
  the party's discipline rules, and the form the printed documents already pin).
- vote kind `other`: "Khác" (model choices), "Biểu quyết khác" (engine, minutes). Chosen:
  "Biểu quyết khác" (the minutes' wording; "Khác" alone says nothing out of context).
- attendance `absent_unexcused`: "Vắng không lý do" (model choices, engine), "vắng không có lý
  do" (the minutes). Chosen: "Vắng không có lý do", the minutes' wording (the engine's finding
  for HD 12 II.3 also says "không có lý do"); the one-tap button keeps its short form "Vắng /
  không lý do".
- organisation kind `chi_bo`: "Chi bộ" (model choices), "Chi bộ trực thuộc" (engine). Chosen:
  "Chi bộ trực thuộc", the Charter's term (a cell under a grassroots committee, as opposed to a
  "Chi bộ cơ sở"; `docs/spec/bundle.md`: "cell under a grassroots committee").
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

__all__ = [
    "AGENDA_SECTIONS",
    "ATTENDANCE_STATUSES",
    "BALLOT_BOX_STATES",
    "BALLOT_CHOICES",
    "CELL_KINDS",
    "CODE_LISTS",
    "CodeList",
    "EXEMPTION_KINDS",
    "FEE_CATEGORIES",
    "FEE_CHANNELS",
    "FINDING_ADVICE",
    "FINDING_MEANING",
    "GENDERS",
    "GRADES",
    "MEETING_KINDS",
    "MEETING_STATUSES",
    "NOTICE_CHANNELS",
    "ORG_KINDS",
    "POSITION_TITLES",
    "QUALITY_STATUSES",
    "RELIEF_BASES",
    "RELIEF_KINDS",
    "REMINDER_KINDS",
    "ROLE_KINDS",
    "RULEBOOKS",
    "Term",
    "VOTE_KINDS",
    "VOTE_METHODS",
]


@dataclass(frozen=True)
class Term:
    name: str
    code: str
    label: str
    in_sentence: str = ""
    short: tuple[str, str] | None = None

    def __post_init__(self):
        if not self.in_sentence:
            object.__setattr__(self, "in_sentence", self.label[:1].lower() + self.label[1:])

    @property
    def forms(self) -> tuple[str, ...]:
        """Every wording of the entry (label, in-sentence form, button lines)."""
        return (self.label, self.in_sentence, *(s for s in (self.short or ()) if s))


class CodeList:
    """An ordered code list: `codes`, `labels` and `in_sentence` (dicts by code), `choices()`."""

    def __init__(self, name: str, *terms: Term):
        self.name = name
        self.terms: tuple[Term, ...] = terms
        self.codes: tuple[str, ...] = tuple(t.code for t in terms)
        self.labels: dict[str, str] = {t.code: t.label for t in terms}
        self.in_sentence: dict[str, str] = {t.code: t.in_sentence for t in terms}

    def __iter__(self) -> Iterator[Term]:
        return iter(self.terms)

    def __contains__(self, code: object) -> bool:
        return code in self.labels

    def __getitem__(self, code: str) -> Term:
        for t in self.terms:
            if t.code == code:
                return t
        raise KeyError(code)

    def choices(self) -> list[tuple[str, str]]:
        """[(code, label)], for a model field's or a form field's `choices`."""
        return [(t.code, t.label) for t in self.terms]

    def members(self) -> list[tuple[str, tuple[str, str]]]:
        """[(NAME, (code, label))], for `models.TextChoices(name, members)`."""
        return [(t.name, (t.code, t.label)) for t in self.terms]


# --- Organisations and members -----------------------------------------------------------

ORG_KINDS = CodeList(
    "organisation kind",
    Term("PROVINCE", "dang_bo_tinh", "Đảng bộ tỉnh"),
    Term("UPPER", "dang_bo_cap_tren_co_so", "Đảng bộ cấp trên cơ sở"),
    Term("GRASSROOTS", "dang_bo_co_so", "Đảng bộ cơ sở"),
    Term("GRASSROOTS_CELL", "chi_bo_co_so", "Chi bộ cơ sở"),
    Term("CELL", "chi_bo", "Chi bộ trực thuộc"),
    Term("GROUP", "to_dang", "Tổ đảng"),
)
#: The kinds that hold meetings (bundle.md: "Meetings belong to chi_bo_co_so or chi_bo").
CELL_KINDS: frozenset[str] = frozenset({"chi_bo_co_so", "chi_bo"})

GENDERS = CodeList(
    "gender",
    Term("MALE", "nam", "Nam"),
    Term("FEMALE", "nu", "Nữ"),
)

EXEMPTION_KINDS = CodeList(
    "exempt or away period",
    Term("EXEMPT", "exempt", "Miễn công tác và sinh hoạt đảng"),
    Term("AWAY", "away", "Sinh hoạt tạm thời / công tác đặc biệt"),
)

ROLE_KINDS = CodeList(
    "role",
    Term("COMMITTEE_STAFF", "committee_staff", "Cán bộ cấp ủy (giám sát cấp dưới)"),
    Term("SECRETARY", "secretary", "Bí thư / thư ký chi bộ"),
    # Given on a cell to a committee staff member whom the committee designates to record
    # (and finalize) that cell's meetings; staff otherwise only supervise.
    Term("DESIGNATED", "designated", "Cán bộ cấp ủy được phân công ghi biên bản"),
    # Given on a cell to the committee member the cell charges with collecting party fees
    # (QĐ 01-QĐ/TW Điều 7.4): they keep the fee ledger and see the members' amounts and incomes.
    Term("FEES", "fees", "Chi ủy viên phụ trách thu nộp đảng phí"),
)

POSITION_TITLES = CodeList(
    "position title",
    Term("SECRETARY", "bi_thu", "Bí thư"),
    Term("DEPUTY", "pho_bi_thu", "Phó bí thư"),
    Term("COMMITTEE", "chi_uy_vien", "Chi ủy viên"),
)

# --- Meetings ------------------------------------------------------------------------------

MEETING_KINDS = CodeList(
    "meeting kind",
    Term("REGULAR", "regular", "Thường kỳ"),
    Term("THEMATIC", "thematic", "Chuyên đề"),
    Term("COMBINED", "combined", "Thường kỳ kết hợp chuyên đề"),
    Term("EXTRAORDINARY", "extraordinary", "Bất thường"),
)

MEETING_STATUSES = CodeList(
    "meeting status",
    Term("PLANNED", "planned", "Dự kiến"),
    Term("NOTIFIED", "notified", "Đã thông báo"),
    Term("HELD", "held", "Đã họp"),
    Term("FINALIZED", "finalized", "Đã hoàn tất biên bản"),
    # Called off before it was held, with the reason (Meeting.cancel_reason).
    Term("CANCELLED", "cancelled", "Đã hủy"),
)

ATTENDANCE_STATUSES = CodeList(
    "attendance status",
    Term("PRESENT", "present", "Có mặt", short=("Có mặt", "")),
    Term("LATE", "late", "Đến muộn", short=("Đến muộn", "")),
    Term("ABSENT_EXCUSED", "absent_excused", "Vắng có lý do", short=("Vắng", "có lý do")),
    Term("ABSENT_UNEXCUSED", "absent_unexcused", "Vắng không có lý do", short=("Vắng", "không lý do")),
)

#: How a meeting notice reached a member (chibo.notices): every member on the roll gets it in the
#: application; those with an address by e-mail too; the secretary records the printed copies.
NOTICE_CHANNELS = CodeList(
    "notice channel",
    Term("APP", "app", "Trong ứng dụng"),
    Term("EMAIL", "email", "E-mail"),
    Term("PAPER", "paper", "In, gửi tay"),
)

AGENDA_SECTIONS = CodeList(
    "agenda section",
    Term("OPENING", "opening", "Phần mở đầu"),
    Term("BODY", "body", "Phần nội dung"),
    Term("CLOSING", "closing", "Phần kết thúc"),
)

VOTE_KINDS = CodeList(
    "vote kind",
    Term("RESOLUTION", "resolution", "Thông qua nghị quyết, kết luận"),
    Term("ADMISSION", "admission", "Kết nạp đảng viên"),
    Term("RECOGNITION", "recognition", "Công nhận đảng viên chính thức"),
    Term("DISCIPLINE", "discipline", "Thi hành kỷ luật"),
    Term("ELECTION", "election", "Bầu cử"),
    Term("OTHER", "other", "Biểu quyết khác"),
)

VOTE_METHODS = CodeList(
    "vote method",
    Term("SHOW_OF_HANDS", "show_of_hands", "Giơ tay"),
    Term("SECRET_BALLOT", "secret_ballot", "Bỏ phiếu kín"),
)

BALLOT_CHOICES = CodeList(
    "ballot choice",
    Term("FOR", "for", "Tán thành"),
    Term("AGAINST", "against", "Không tán thành"),
    Term("ABSTAIN", "abstain", "Không biểu quyết"),
    Term("INVALID", "invalid", "Phiếu không hợp lệ"),
)

BALLOT_BOX_STATES = CodeList(
    "ballot box state",
    Term("OPEN", "open", "Đang bỏ phiếu"),
    Term("CLOSED", "closed", "Đã kết thúc"),
)

# --- Scoring -------------------------------------------------------------------------------

GRADES = CodeList(
    "grade",
    Term("TOT", "tot", "Tốt", in_sentence="Tốt"),
    Term("KHA", "kha", "Khá", in_sentence="Khá"),
    Term("TRUNG_BINH", "trung_binh", "Trung bình", in_sentence="Trung bình"),
    Term("KEM", "kem", "Kém", in_sentence="Kém"),
)

#: Where a meeting's quality score under HD 42 stands (rules-v2.md §5.3): the chi ủy's self-score,
#: adopted by the cell's vote, or the official grade decided by the superior committee.
QUALITY_STATUSES = CodeList(
    "quality record status",
    Term("SELF", "self", "Chi ủy tự chấm"),
    Term("ADOPTED", "adopted", "Chi bộ đã thông qua"),
    Term("OFFICIAL", "official", "Cấp trên đã quyết định xếp loại"),
)

#: The rulebook of a rule profile (rules-v2.md §0, §6 `rulebook`): by the meeting's date (the
#: default), or pinned to one guidance for the whole subtree.  An audit names `hd12-2018` or
#: `hd42-2025` for each meeting; `by-date` is only a profile value.
RULEBOOKS = CodeList(
    "rulebook",
    Term("BY_DATE", "by-date", "Theo ngày họp (Hướng dẫn 12 trước 28/10/2025, Hướng dẫn 42 từ ngày đó)"),
    Term("HD12_2018", "hd12-2018", "Hướng dẫn 12-HD/BTCTW (06/7/2018)"),
    Term("HD42_2025", "hd42-2025", "Hướng dẫn 42-HD/BTCTW (28/10/2025)"),
)

# --- Party fees (rules-v2.md §8; chibo.fees) ------------------------------------------------

#: How a month's fee was paid (rules-v2.md §8.1 `channel`).
FEE_CHANNELS = CodeList(
    "fee payment channel",
    Term("PORTAL", "portal", "Cổng Dịch vụ công quốc gia"),
    Term("CASH", "cash", "Tiền mặt nộp chi bộ"),
)

#: A relief decision's kind (rules-v2.md §8.2; QĐ 01-QĐ/TW Điều 5).
RELIEF_KINDS = CodeList(
    "fee relief kind",
    Term("EXEMPT", "exempt", "Miễn đóng đảng phí"),
    Term("REDUCE_30", "reduce_30", "Giảm 30% đảng phí"),
    Term("REDUCE_50", "reduce_50", "Giảm 50% đảng phí"),
    Term("REDUCE_70", "reduce_70", "Giảm 70% đảng phí"),
)

#: The clause of QĐ 01-QĐ/TW Điều 5 a relief rests on (rules-v2.md §8.2).
RELIEF_BASES = CodeList(
    "fee relief basis",
    Term("BY_RIGHT", "5.1", "Khoản 1 Điều 5: miễn theo quy định (50 năm tuổi Đảng, trợ cấp hưu trí xã hội, "
                            "hộ nghèo, cận nghèo, ốm đau nặng)"),
    Term("HARDSHIP", "5.2", "Khoản 2 Điều 5: hoàn cảnh khó khăn (tối đa 12 tháng mỗi quyết định)"),
)

#: The categories of the fee calculator's rate table (chibo/fees/rates.json, rules-v2.md §8.4),
#: both schedules' codes in one list.
FEE_CATEGORIES = CodeList(
    "fee category",
    Term("SALARY", "salary", "Hưởng lương (QĐ 342)"),
    Term("BHXH", "bhxh", "Tham gia bảo hiểm xã hội bắt buộc"),
    Term("BHXH_LEAVE", "bhxh_leave", "Hưởng trợ cấp bảo hiểm xã hội"),
    Term("PENSION", "pension", "Hưởng lương hưu"),
    Term("STUDENT", "student", "Học sinh, sinh viên"),
    Term("OTHER", "other", "Đối tượng khác"),
    Term("ABROAD", "abroad", "Đảng viên ở nước ngoài"),
)

# --- The committees' work (chibo.supervision, issue 9 item 2) -----------------------------

#: Where a cell's recommendation sent upward (kiến nghị, đề xuất) stands at its committee: it
#: arrives received, the committee's staff take it in hand, then answer it or forward it to the
#: committee one level up (where it arrives received again).
RECOMMENDATION_STATUSES = CodeList(
    "recommendation status",
    Term("RECEIVED", "received", "Đã tiếp nhận, chờ xử lý"),
    Term("HANDLING", "handling", "Đang xử lý"),
    Term("ANSWERED", "answered", "Đã trả lời"),
    Term("FORWARDED", "forwarded", "Đã chuyển lên cấp ủy cấp trên"),
)

#: What a recommendation is about, chosen by the cell when it sends it; the inbox filters by it.
RECOMMENDATION_TOPICS = CodeList(
    "recommendation topic",
    Term("PARTY", "party", "Công tác xây dựng Đảng, đảng viên"),
    Term("ECONOMY", "economy", "Phát triển kinh tế, sản xuất"),
    Term("SOCIETY", "society", "Văn hóa, xã hội, y tế, giáo dục"),
    Term("SECURITY", "security", "Quốc phòng, an ninh, trật tự"),
    Term("POLICY", "policy", "Chế độ, chính sách"),
    Term("LAND", "land", "Đất đai, tài nguyên, môi trường"),
    Term("OTHER_TOPIC", "other_topic", "Nội dung khác của chi bộ"),
)

#: The kinds of reminder the daily job sends (chibo.reminders, issue 9 item 4); each person may
#: turn each kind off on their account page.
REMINDER_KINDS = CodeList(
    "reminder kind",
    Term("MEETING_DATE", "meeting_date", "Ngày họp thường kỳ của chi bộ"),
    Term("NOTICE", "notice", "Thông báo triệu tập cuộc họp chưa gửi"),
    Term("MINUTES", "minutes", "Cuộc họp chưa đánh dấu đã họp, biên bản chưa hoàn tất"),
    Term("TASK", "task", "Nhiệm vụ của tôi sắp đến hạn hoặc quá hạn"),
    Term("VISIT", "visit", "Lịch đi dự sinh hoạt chi bộ được phân công trong tuần tới"),
    Term("FINDINGS", "findings", "Nhận xét mới theo quy định về sinh hoạt của chi bộ"),
    Term("RECOMMENDATIONS", "recommendations", "Kiến nghị, đề xuất của chi bộ đang chờ trả lời"),
)

#: Every code list, for the tests.
CODE_LISTS: tuple[CodeList, ...] = (
    REMINDER_KINDS,
    RULEBOOKS,
    RECOMMENDATION_STATUSES, RECOMMENDATION_TOPICS,
    ORG_KINDS, GENDERS, EXEMPTION_KINDS, ROLE_KINDS, POSITION_TITLES, MEETING_KINDS, MEETING_STATUSES, NOTICE_CHANNELS,
    ATTENDANCE_STATUSES, AGENDA_SECTIONS, VOTE_KINDS, VOTE_METHODS, BALLOT_CHOICES, BALLOT_BOX_STATES, GRADES,
    QUALITY_STATUSES, FEE_CHANNELS, RELIEF_KINDS, RELIEF_BASES, FEE_CATEGORIES,
)

# --- What to do about each finding of the rule engine ----------------------------------------

#: The rule engine's finding codes (labels: `chibo.rules.engine.FINDING_LABELS`) -> what the cell
#: or its committee does about it, shown beside the finding on the start pages.
FINDING_ADVICE: dict[str, str] = {
    "ATTENDANCE_MISSING": "Ghi điểm danh đủ mọi đảng viên phải dự họp (trang ghi biên bản; đã hoàn tất thì đính chính).",
    "ABSENCE_REASON_MISSING": "Ghi lý do vắng của từng đồng chí vắng có lý do.",
    "UNEXCUSED_ABSENCE": "Nhắc nhở, kiểm điểm đồng chí vắng không lý do; theo dõi nếu vắng nhiều lần.",
    "REPEATED_EXCUSED_ABSENCE": "Gặp gỡ đồng chí vắng nhiều lần liên tiếp; xem xét miễn sinh hoạt nếu đủ điều kiện.",
    "LOW_ATTENDANCE": "Thông báo sớm hơn, chọn thời gian thuận tiện; cuộc họp sau cần đủ tỷ lệ dự họp.",
    "EMPTY_ROLL": "Kiểm tra danh sách đảng viên của chi bộ vào ngày họp.",
    "SHORT_MEETING": "Bố trí đủ thời gian sinh hoạt theo quy định; ghi đúng giờ bắt đầu, kết thúc.",
    "NOTICE_LATE": "Gửi thông báo triệu tập sớm hơn cho các cuộc họp sau.",
    "MINUTES_INCOMPLETE": "Bổ sung các mục còn thiếu của biên bản (đã hoàn tất thì đính chính).",
    "VOTE_COUNTS_INCONSISTENT": "Kiểm tra lại số phiếu từng biểu quyết so với số đảng viên dự họp.",
    "VOTE_METHOD_INVALID": "Nội dung này phải bỏ phiếu kín: tổ chức biểu quyết lại đúng hình thức.",
    "MISSING_REGULAR_MEETING": "Tổ chức sinh hoạt thường kỳ ngay và ghi nhận lý do tháng không họp.",
    "LATE_REGULAR_MEETING": "Lập kế hoạch họp đúng ngày quy định trong tháng.",
    "MISSING_THEMATIC_MEETING": "Lập kế hoạch và tổ chức sinh hoạt chuyên đề trong quý.",
    "NO_SUPERIOR_VISIT": "Cấp ủy cấp trên phân công cán bộ dự sinh hoạt chi bộ.",
    "REMOVAL_REVIEW": "Chi bộ xem xét, đề nghị xóa tên theo quy định.",
    "TASK_OVERDUE": "Đôn đốc người được giao hoàn thành nhiệm vụ, hoặc báo cáo kết quả.",
    "NOTICE_MISSING": "Thông báo thời gian, địa điểm, nội dung đến đảng viên và cấp ủy cấp trên trước ngày họp.",
    "DOCS_NOT_POSTED": "Đăng tài liệu sinh hoạt lên Sổ tay đảng viên điện tử trước ngày họp.",
    "COMMITTEE_PREP_MISSING": "Chi ủy (hoặc bí thư, phó bí thư) họp thống nhất nội dung trước buổi sinh hoạt.",
    "RESULTS_NOT_POSTED": "Đăng kết luận, nghị quyết đã hoàn chỉnh lên Sổ tay đảng viên điện tử.",
    "QUALITY_NOT_SCORED": "Chấm điểm chất lượng buổi sinh hoạt theo khung tiêu chí.",
    "SCORER_NOT_ASSIGNED": "Phân công đồng chí theo dõi, chấm điểm chất lượng buổi sinh hoạt.",
    "FEE_UNPAID_REVIEW": "Gặp gỡ đồng chí chưa đóng đảng phí; chi bộ xem xét theo quy định.",
    "FEE_RELIEF_TOO_LONG": "Ra quyết định mới cho thời gian quá 12 tháng (mỗi quyết định giảm, miễn tối đa 12 tháng).",
}

#: What each finding of the rule engine means and where the rule comes from (the help page
#: /huong-dan/ket-luan/). `{name}` is a parameter of the rule profile, shown with its default
#: (chibo.rules.profile.DEFAULT_PROFILE) and the note that a committee may set it otherwise.
FINDING_MEANING: dict[str, tuple[str, str]] = {
    "ATTENDANCE_MISSING": ("Một đảng viên phải dự họp chưa được ghi điểm danh (có mặt, đến muộn hay vắng). "
                           "Đồng chí đó vẫn được tính vào số phải dự nhưng không tính là có mặt.",
                           "Hướng dẫn 12-HD/BTCTW, mục II.1.2: biên bản ghi rõ đảng viên vắng mặt."),
    "ABSENCE_REASON_MISSING": ("Một đảng viên vắng có lý do nhưng biên bản không ghi lý do.",
                               "Hướng dẫn 12-HD/BTCTW, mục II.1.2."),
    "UNEXCUSED_ABSENCE": ("Một đảng viên phải dự họp vắng mặt không có lý do.", "Hướng dẫn 12-HD/BTCTW, mục II.3."),
    "REPEATED_EXCUSED_ABSENCE": ("Một đảng viên vắng có lý do quá {max_consecutive_excused} lần liên tiếp trong năm "
                                 "ở các buổi sinh hoạt thường kỳ.", "Hướng dẫn 12-HD/BTCTW, mục II.3."),
    "LOW_ATTENDANCE": ("Tỷ lệ đảng viên dự họp (có mặt hoặc đến muộn trên số phải dự) không cao hơn "
                       "{min_attendance_rate}%.", "Hướng dẫn 12-HD/BTCTW, mục II.3."),
    "EMPTY_ROLL": ("Vào ngày họp chi bộ không có đảng viên nào phải dự họp: danh sách đảng viên hoặc ngày họp có "
                   "thể sai.", "Quy tắc của Chibo: không tính được tỷ lệ dự họp."),
    "SHORT_MEETING": ("Thời gian họp (từ giờ bắt đầu đến giờ kết thúc) ngắn hơn mức tối thiểu: thường kỳ "
                      "{min_minutes_regular} phút, chuyên đề {min_minutes_thematic} phút, kết hợp "
                      "{min_minutes_combined} phút.", "Hướng dẫn 12-HD/BTCTW, mục II.3."),
    "NOTICE_LATE": ("Thông báo triệu tập chưa gửi, hoặc gửi muộn hơn {notice_days_before} ngày trước ngày họp "
                    "(không áp dụng với cuộc họp bất thường).", "Hướng dẫn 42-HD/BTCTW (28/10/2025)."),
    "MINUTES_INCOMPLETE": ("Biên bản thiếu một trong các mục bắt buộc: chủ trì, thư ký, địa điểm, giờ bắt đầu, "
                           "giờ kết thúc, điểm danh, lý do vắng, ý kiến phát biểu, kết luận, chủ đề (sinh hoạt "
                           "chuyên đề). Kết luận ghi rõ các mục còn thiếu.",
                           "Hướng dẫn 12-HD/BTCTW, mục II.3: sổ biên bản ghi đầy đủ diễn biến cuộc họp."),
    "VOTE_COUNTS_INCONSISTENT": ("Tổng số phiếu của một biểu quyết (tán thành, không tán thành, không biểu quyết, "
                                 "không hợp lệ) lớn hơn số đảng viên có quyền biểu quyết có mặt. Kết quả biểu quyết "
                                 "đó không xác định được.", "Điều lệ Đảng, Điều 3 và 9."),
    "VOTE_METHOD_INVALID": ("Nội dung phải bỏ phiếu kín (kỷ luật, bầu cử) nhưng đã biểu quyết bằng hình thức khác.",
                            "Điều lệ Đảng; quy định về kỷ luật và bầu cử trong Đảng."),
    "MISSING_REGULAR_MEETING": ("Trong tháng không có buổi sinh hoạt thường kỳ (hoặc thường kỳ kết hợp chuyên đề).",
                                "Điều lệ Đảng, Điều 22–24: chi bộ sinh hoạt mỗi tháng một lần."),
    "LATE_REGULAR_MEETING": ("Buổi sinh hoạt thường kỳ đầu tiên của tháng họp sau ngày {regular_meeting_day} mà "
                             "không ghi lý do dời ngày.", "Chỉ thị 50-CT/TW (23/7/2025): ngày 3 hằng tháng."),
    "MISSING_THEMATIC_MEETING": ("Trong quý không có buổi sinh hoạt chuyên đề (hoặc kết hợp).",
                                 "Chỉ thị 50-CT/TW; Hướng dẫn 12-HD/BTCTW: ít nhất mỗi quý một lần."),
    "NO_SUPERIOR_VISIT": ("Trong 6 tháng, cấp ủy cấp trên dự sinh hoạt chi bộ ít hơn "
                          "{min_superior_visits_per_half_year} lần.",
                          "Quy định của cấp ủy địa phương; Hướng dẫn 12-HD/BTCTW: cấp ủy viên được phân công dự."),
    "REMOVAL_REVIEW": ("Một đảng viên vắng sinh hoạt thường kỳ không có lý do trong ít nhất "
                       "{removal_unexcused_months} tháng khác nhau của năm: chi bộ phải xem xét.",
                       "Điều lệ Đảng, Điều 8: ba tháng trong năm bỏ sinh hoạt không có lý do chính đáng."),
    "TASK_OVERDUE": ("Một nhiệm vụ được giao tại cuộc họp đã quá hạn mà chưa xong, hoặc xong sau hạn.",
                     "Hướng dẫn 12-HD/BTCTW: kiểm tra việc thực hiện nhiệm vụ đã giao."),
    "NOTICE_MISSING": ("Theo Hướng dẫn 42: thông báo thời gian, địa điểm, nội dung sinh hoạt chưa đến đảng viên "
                       "hoặc cấp ủy cấp trên theo dõi chi bộ, hoặc đến sau ngày họp (không áp dụng với cuộc họp "
                       "bất thường).", "Hướng dẫn 42-HD/BTCTW (28/10/2025)."),
    "DOCS_NOT_POSTED": ("Theo Hướng dẫn 42: tài liệu sinh hoạt chưa đăng trên Sổ tay đảng viên điện tử ít nhất "
                        "{docs_days_before} ngày trước ngày họp (không áp dụng với cuộc họp bất thường).",
                        "Hướng dẫn 42-HD/BTCTW (28/10/2025)."),
    "COMMITTEE_PREP_MISSING": ("Theo Hướng dẫn 42: chi ủy (hoặc bí thư, phó bí thư nơi không có chi ủy) chưa họp "
                               "thống nhất nội dung buổi sinh hoạt thường kỳ trước ngày họp.",
                               "Hướng dẫn 42-HD/BTCTW (28/10/2025)."),
    "RESULTS_NOT_POSTED": ("Theo Hướng dẫn 42: báo cáo, kết luận hoặc nghị quyết đã hoàn chỉnh chưa đăng trên Sổ "
                           "tay đảng viên điện tử trong {post_days_after} ngày sau buổi sinh hoạt thường kỳ (trừ "
                           "nội dung mật).", "Hướng dẫn 42-HD/BTCTW; ngân hàng câu hỏi Lào Cai 2026."),
    "QUALITY_NOT_SCORED": ("Theo Hướng dẫn 42: buổi sinh hoạt thường kỳ chưa được chấm điểm chất lượng theo khung "
                           "tiêu chí.", "Hướng dẫn 42-HD/BTCTW, khung tiêu chí đánh giá chất lượng sinh hoạt."),
    "SCORER_NOT_ASSIGNED": ("Buổi sinh hoạt thường kỳ chưa có đồng chí được phân công theo dõi, chấm điểm (chỉ khi "
                            "cấp ủy yêu cầu).", "Quy định của cấp ủy địa phương."),
    "FEE_UNPAID_REVIEW": ("Một đảng viên không đóng đảng phí ít nhất {fee_unpaid_months} tháng trong năm: chi bộ "
                          "phải xem xét.", "Điều lệ Đảng, Điều 8; Quy định 01-QĐ/TW (3/2/2026), Điều 2."),
    "FEE_RELIEF_TOO_LONG": ("Một quyết định giảm, miễn đảng phí vì hoàn cảnh khó khăn kéo dài quá 12 tháng hoặc "
                            "không có thời hạn.", "Quy định 01-QĐ/TW (3/2/2026), Điều 5.2."),
}
