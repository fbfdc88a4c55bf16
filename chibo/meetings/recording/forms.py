"""Input of the meeting pages: each form only parses and checks shapes; the rules live in
chibo.meetings.recording.services (and the rule engine)."""

from datetime import datetime

from django import forms
from django.utils.functional import cached_property

from chibo import vocabulary
from chibo.meetings.models import AttendanceStatus, Meeting, VoteKind, VoteMethod
from chibo.meetings.recording.services import HEADER_FIELDS, HEADER_LABELS, MAX_POSITION
from chibo.orgs.forms import VietnameseErrorsMixin, check_year, date_field, long_text_field
from chibo.orgs.models import Member
from chibo.prepared import Prepared
from chibo.rules.rubric import MANUAL_MAX

DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
TIME_FORMATS = ("%H:%M", "%H:%M:%S", "%Hh%M", "%H.%M", "%H%M", "%Hh")
MEMBER_ERRORS = {"invalid_choice": "Không tìm thấy đảng viên này."}


def parse_date(text: str):
    for fmt in DATE_FORMATS:
        try:
            day = datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        check_year(day)
        return day
    raise forms.ValidationError("Ngày không hợp lệ (định dạng dd/mm/yyyy).")


def parse_time(text: str):
    for fmt in TIME_FORMATS:
        try:
            return datetime.strptime(text, fmt).time()
        except ValueError:
            pass
    raise forms.ValidationError("Giờ không hợp lệ (định dạng hh:mm, ví dụ 19:30).")


#: A member of a cell (past or present) by code, compiled once per process (chibo.prepared).
CELL_MEMBER_BY_CODE = Prepared(
    lambda cell_id, code: Member.objects.filter(
        pk__in=Member.objects.filter(memberships__organization_id=cell_id).values("pk"), code=code)[:1],
    cell_id=-7_310_010, code="prepared-sample-member-code")


class CellMemberField(forms.ModelChoiceField):
    """A member by code; once the form knows the meeting's cell (`cell_id`), only among its members."""

    cell_id: int | None = None

    def to_python(self, value):
        if self.cell_id is None or value in self.empty_values or isinstance(value, Member):
            return super().to_python(value)
        self.validate_no_null_characters(value)
        member = CELL_MEMBER_BY_CODE.first(cell_id=self.cell_id, code=str(value))
        if member is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                        params={"value": value})
        return member


def member_field(label, required=True):
    return CellMemberField(label=label, queryset=Member.objects.all(), to_field_name="code",
                           required=required, error_messages=MEMBER_ERRORS)


def position_field(required=True):
    return forms.IntegerField(min_value=0, max_value=MAX_POSITION, required=required,
                              error_messages={"invalid": "Số thứ tự không hợp lệ.",
                                              "min_value": "Số thứ tự không hợp lệ.",
                                              "max_value": "Số thứ tự không hợp lệ."})


def key_field():
    return forms.UUIDField(required=False, error_messages={"invalid": "Mã dòng không hợp lệ."})


def version_field():
    return forms.IntegerField(required=False, min_value=0, max_value=2147483647,
                              error_messages={"invalid": "Phiên bản không hợp lệ.", "min_value": "Phiên bản không hợp lệ.",
                                              "max_value": "Phiên bản không hợp lệ."})


class RowForm(forms.Form):
    """A row of the recording page: by client key (`key`, with the `version` the edit was based
    on, 0 for a row not saved yet), or by position for a client that sends none."""

    position = position_field(required=False)
    key = key_field()
    version = version_field()

    def clean(self):
        data = super().clean()
        if not self.errors and data.get("key") is None and data.get("position") is None:
            self.add_error("position", "Số thứ tự không hợp lệ.")
        return data


def count_field(label):
    return forms.IntegerField(label=label, required=False, min_value=0, max_value=100000,
                              error_messages={"invalid": f"Số phiếu {label.lower()} phải là số nguyên.",
                                              "min_value": f"Số phiếu {label.lower()} không được âm.",
                                              "max_value": f"Số phiếu {label.lower()} quá lớn."})


class CellMembersMixin:
    """Member codes are looked up among the members of the meeting's cell only (past or present),
    so a code from elsewhere in the tree reads exactly like a code that does not exist: the
    recording endpoints reveal no name outside the cell."""

    def __init__(self, *args, meeting: Meeting | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.cell_id = None if meeting is None else meeting.organization_id
        for field in self.fields.values():
            if isinstance(field, CellMemberField):
                field.cell_id = self.cell_id  # looks its member up among the cell's (CELL_MEMBER_BY_CODE)
            elif isinstance(field, forms.ModelChoiceField) and field.queryset.model is Member:
                field.queryset = self.members

    @cached_property
    def members(self):
        if self.cell_id is None:
            return Member.objects.all()
        return Member.objects.filter(pk__in=Member.objects.filter(
            memberships__organization_id=self.cell_id).values("pk"))

    def member_by_code(self, code: str):
        if self.cell_id is None:
            return self.members.filter(code=code).first()
        return CELL_MEMBER_BY_CODE.first(cell_id=self.cell_id, code=code)


class HeaderFieldForm(CellMembersMixin, VietnameseErrorsMixin, forms.Form):
    """One header field of the minutes, saved as it is typed."""

    field = forms.ChoiceField(choices=[(k, HEADER_LABELS[k]) for k in HEADER_FIELDS],
                              error_messages={"invalid_choice": "Trường không được phép sửa."})
    value = forms.CharField(required=False, strip=True)
    # The header's version and the field's value the edit started from (the recording page sends
    # both; a client that sends neither overwrites).
    version = version_field()
    was = forms.CharField(required=False, strip=True)

    def _parse(self, kind: str, text: str):
        if kind == "text":
            return text
        if not text:
            return None
        if kind == "time":
            return parse_time(text)
        if kind == "date":
            return parse_date(text)
        member = self.member_by_code(text)
        if member is None:
            raise forms.ValidationError("Không tìm thấy đảng viên này.")
        return member

    def clean(self):
        data = super().clean()
        field, text = data.get("field"), data.get("value") or ""
        if not field:
            return data
        kind = HEADER_FIELDS[field]
        try:
            data["parsed"] = self._parse(kind, text)
        except forms.ValidationError as exc:
            self.add_error("value", exc)
        data["parsed_was"] = None
        if "was" in self.data:
            try:
                data["parsed_was"] = self._parse(kind, data.get("was") or "")
            except forms.ValidationError:
                data["parsed_was"] = "\x00"  # no value the field can hold: the edit is judged by its version
        else:
            data.pop("parsed_was")
        return data


class AttendanceForm(CellMembersMixin, VietnameseErrorsMixin, forms.Form):
    member = member_field("Đảng viên")
    version = version_field()
    status = forms.ChoiceField(choices=AttendanceStatus.choices,
                               error_messages={"invalid_choice": "Trạng thái điểm danh không hợp lệ."})
    reason = forms.CharField(required=False, max_length=255,
                             error_messages={"max_length": "Lý do vắng dài quá 255 ký tự."})


class GuestForm(VietnameseErrorsMixin, RowForm):
    """A guest of the meeting; the service checks the lengths."""

    name = forms.CharField(required=False)
    title = forms.CharField(required=False)
    organization = forms.CharField(required=False)

    def __init__(self, *args, meeting: Meeting | None = None, **kwargs):
        super().__init__(*args, **kwargs)


class SpeechForm(CellMembersMixin, VietnameseErrorsMixin, RowForm):
    member = member_field("Người phát biểu")
    item = forms.CharField(required=False, max_length=255)
    summary = long_text_field("Tóm tắt ý kiến", "speech.summary")


class VoteForm(CellMembersMixin, VietnameseErrorsMixin, RowForm):
    kind = forms.ChoiceField(choices=VoteKind.choices,
                             error_messages={"invalid_choice": "Loại biểu quyết không hợp lệ."})
    method = forms.ChoiceField(choices=VoteMethod.choices,
                               error_messages={"invalid_choice": "Hình thức biểu quyết không hợp lệ."})
    subject = forms.CharField(required=False, max_length=500)
    votes_for = count_field(vocabulary.BALLOT_CHOICES.labels["for"])
    votes_against = count_field(vocabulary.BALLOT_CHOICES.labels["against"])
    votes_abstain = count_field(vocabulary.BALLOT_CHOICES.labels["abstain"])
    votes_invalid = count_field("Không hợp lệ")


class TaskForm(CellMembersMixin, VietnameseErrorsMixin, RowForm):
    assignee = member_field("Người được giao", required=False)
    description = long_text_field("Nội dung nhiệm vụ", "task.description")
    due = date_field("Hạn", required=False)


class DeleteForm(RowForm):
    pass


class FinalizeForm(forms.Form):
    """Finalizing is deliberate: the recorder confirms having read the engine's findings."""

    confirm = forms.BooleanField(
        label="Tôi đã đọc lại biên bản và các nhận xét ở trên; hoàn tất và khóa biên bản.",
        error_messages={"required": "Đánh dấu ô xác nhận để hoàn tất biên bản."})


def score_field(key, label):
    top = MANUAL_MAX[key]
    message = f"Điểm {label.lower()} phải là số nguyên từ 0 đến {top}."
    return forms.IntegerField(label=f"{label} (0–{top})", required=False, min_value=0, max_value=top,
                              widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": top}),
                              error_messages={"invalid": message, "min_value": message, "max_value": message})


class ScoresForm(forms.Form):
    preparation = score_field("preparation", "Chuẩn bị")
    conduct = score_field("conduct", "Điều hành")
    principles = score_field("principles", "Nguyên tắc")


class AmendForm(VietnameseErrorsMixin, forms.Form):
    """A correction of finalized minutes: the header as it should read, an optional attendance
    correction, and the reason (required)."""

    place = forms.CharField(label="Địa điểm", max_length=255, required=False)
    start = forms.CharField(label="Giờ bắt đầu (hh:mm)", required=False)
    end = forms.CharField(label="Giờ kết thúc (hh:mm)", required=False)
    chair = forms.ModelChoiceField(label="Chủ trì", queryset=Member.objects.none(), to_field_name="code",
                                   required=False, error_messages=MEMBER_ERRORS)
    secretary = forms.ModelChoiceField(label="Thư ký", queryset=Member.objects.none(), to_field_name="code",
                                       required=False, error_messages=MEMBER_ERRORS)
    topic = forms.CharField(label="Chuyên đề", max_length=500, required=False)
    rescheduled_reason = forms.CharField(label="Lý do đổi ngày", max_length=500, required=False)
    notice_sent_on = date_field("Ngày gửi thông báo", required=False)
    conclusion = long_text_field("Kết luận", "meeting.conclusion", widget=forms.Textarea(attrs={"rows": 4}))
    resolution_text = long_text_field("Nội dung nghị quyết", "meeting.resolution_text",
                                      widget=forms.Textarea(attrs={"rows": 4}))
    attendance_member = forms.ModelChoiceField(label="Sửa điểm danh của", queryset=Member.objects.none(),
                                               to_field_name="code", required=False, error_messages=MEMBER_ERRORS)
    attendance_status = forms.ChoiceField(label="Thành", choices=[("", "—"), *AttendanceStatus.choices],
                                          required=False)
    attendance_reason = forms.CharField(label="Lý do vắng", max_length=255, required=False)
    score_preparation = score_field("preparation", "Chuẩn bị")
    score_conduct = score_field("conduct", "Điều hành")
    score_principles = score_field("principles", "Nguyên tắc")
    reason = long_text_field("Lý do đính chính", "amendment.reason", required=True,
                             widget=forms.Textarea(attrs={"rows": 2}))

    HEADER = ("place", "start", "end", "chair", "secretary", "topic", "rescheduled_reason", "notice_sent_on",
              "conclusion", "resolution_text")

    def __init__(self, *args, meeting: Meeting, roll_members, **kwargs):
        initial = {
            "place": meeting.place, "start": meeting.start.strftime("%H:%M") if meeting.start else "",
            "end": meeting.end.strftime("%H:%M") if meeting.end else "",
            "chair": meeting.chair.code if meeting.chair else None,
            "secretary": meeting.secretary.code if meeting.secretary else None,
            "topic": meeting.topic, "rescheduled_reason": meeting.rescheduled_reason,
            "notice_sent_on": meeting.notice_sent_on, "conclusion": meeting.conclusion,
            "resolution_text": meeting.resolution_text,
            "score_preparation": meeting.score_preparation, "score_conduct": meeting.score_conduct,
            "score_principles": meeting.score_principles,
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.meeting = meeting
        queryset = Member.objects.filter(pk__in=[m.pk for m in roll_members])
        for key in ("preparation", "conduct", "principles"):
            self.fields[f"score_{key}"].label = f"Điểm {self.fields[f'score_{key}'].label.lower()}"
        for name in ("chair", "secretary", "attendance_member"):
            self.fields[name].queryset = queryset
            self.fields[name].empty_label = "—"

    def clean_start(self):
        text = self.cleaned_data["start"].strip()
        return parse_time(text) if text else None

    def clean_end(self):
        text = self.cleaned_data["end"].strip()
        return parse_time(text) if text else None

    def clean(self):
        data = super().clean()
        if data.get("attendance_member") and not data.get("attendance_status"):
            self.add_error("attendance_status", "Chọn trạng thái điểm danh mới.")
        return data

    def changes(self) -> dict:
        """Only what differs from the minutes as they stand."""
        data = self.cleaned_data
        out = {}
        for name in self.HEADER:
            if data.get(name) != getattr(self.meeting, name):
                new, old = data.get(name), getattr(self.meeting, name)
                if (new in (None, "") and old in (None, "")):
                    continue
                out[name] = new
        for key in ("preparation", "conduct", "principles"):
            if data.get(f"score_{key}") != getattr(self.meeting, f"score_{key}"):
                out[key] = data.get(f"score_{key}")
        if data.get("attendance_member"):
            out[("attendance", data["attendance_member"].code)] = (data["attendance_status"],
                                                                  data.get("attendance_reason") or "")
        return out


class QualityGroupForm(VietnameseErrorsMixin, forms.Form):
    """One entered group's self-score from the closing step (autosave): empty means not scored.
    The group and its maximum are checked by the service against the cell's frame rubric."""

    group = forms.CharField(max_length=64, error_messages={"required": "Thiếu nhóm tiêu chí."})
    value = forms.IntegerField(required=False, min_value=0, max_value=1000,
                               error_messages={"invalid": "Điểm phải là số nguyên.",
                                               "min_value": "Điểm không được âm.",
                                               "max_value": "Điểm vượt điểm tối đa của nhóm."})
    version = version_field()

    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)


class OfficialGradeForm(VietnameseErrorsMixin, forms.Form):
    official_grade = forms.ChoiceField(label="Xếp loại chính thức của cấp ủy cấp trên",
                                       choices=[("", "— chọn —"), *vocabulary.GRADES.choices()],
                                       error_messages={"required": "Chọn xếp loại.",
                                                       "invalid_choice": "Xếp loại không hợp lệ."})
