"""Forms of the preparation pages (schedule, agenda, thematic preparation, contributions,
documents, cancelling, absence notices, tasks done): they bind and check input; the services
decide."""

from pathlib import Path

from django import forms
from django.forms import formset_factory

from chibo.limits import DOCUMENT_MAX_BYTES
from chibo.meetings.models import AgendaSection
from chibo.meetings.planning.forms import MemberChoiceField, time_field
from chibo.orgs.forms import VietnameseErrorsMixin, date_field, long_text_field
from chibo.orgs.models import Member

ALLOWED_EXTENSIONS = {".pdf", ".doc", ".docx", ".odt", ".xls", ".xlsx", ".ods", ".ppt", ".pptx", ".odp", ".txt",
                      ".jpg", ".jpeg", ".png"}
MAX_UPLOAD = DOCUMENT_MAX_BYTES  # 20 MB (chibo.limits)


def upload_field(label, required=True):
    return forms.FileField(label=label, required=required,
                           error_messages={"invalid": "Tệp không hợp lệ.", "empty": "Tệp rỗng."})


def check_upload(upload):
    if upload is None:
        return upload
    if Path(upload.name).suffix.lower() not in ALLOWED_EXTENSIONS:
        raise forms.ValidationError("Chỉ nhận tệp văn bản, bảng tính, trình chiếu, PDF hoặc ảnh ("
                                    + ", ".join(sorted(e[1:] for e in ALLOWED_EXTENSIONS)) + ").")
    if upload.size > MAX_UPLOAD:
        raise forms.ValidationError("Tệp lớn quá 20 MB.")
    return upload


class ScheduleForm(VietnameseErrorsMixin, forms.Form):
    date = date_field("Ngày họp")
    start = time_field("Giờ bắt đầu")
    place = forms.CharField(label="Địa điểm", max_length=255, required=False)
    rescheduled_reason = forms.CharField(label="Lý do đổi ngày (nếu họp sau ngày quy định)", max_length=500,
                                         required=False)


class AgendaRowForm(VietnameseErrorsMixin, forms.Form):
    order = forms.IntegerField(label="Thứ tự", required=False, min_value=0, max_value=999,
                               widget=forms.NumberInput(attrs={"class": "order"}))
    section = forms.ChoiceField(label="Phần", choices=AgendaSection.choices)
    title = forms.CharField(label="Nội dung", max_length=255, required=False)
    notes = long_text_field("Ghi chú", "agenda.notes", widget=forms.Textarea(attrs={"rows": 2}))


AgendaFormSet = formset_factory(AgendaRowForm, extra=0)


class ThematicPrepForm(VietnameseErrorsMixin, forms.Form):
    topic = forms.CharField(label="Chuyên đề", max_length=500)
    presenter = MemberChoiceField(label="Người trình bày đề dẫn", queryset=Member.objects.none(), required=False,
                                  to_field_name="code", empty_label="—")
    presentation = upload_field("Bài đề dẫn (tải lên bản mới)", required=False)

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        if members is not None:
            self.fields["presenter"].queryset = members

    def clean_presentation(self):
        return check_upload(self.cleaned_data.get("presentation"))


class ContributionForm(VietnameseErrorsMixin, forms.Form):
    member = MemberChoiceField(label="Đảng viên tham luận", queryset=Member.objects.none(), to_field_name="code")
    title = forms.CharField(label="Nội dung tham luận", max_length=255)

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        if members is not None:
            self.fields["member"].queryset = members


class DocumentForm(VietnameseErrorsMixin, forms.Form):
    title = forms.CharField(label="Tên tài liệu", max_length=255, required=False)
    file = upload_field("Tệp")

    def clean_file(self):
        return check_upload(self.cleaned_data.get("file"))


class AbsenceForm(VietnameseErrorsMixin, forms.Form):
    reason = forms.CharField(label="Lý do vắng mặt", max_length=255)


class CancelForm(VietnameseErrorsMixin, forms.Form):
    reason = long_text_field("Lý do hủy", "meeting.cancel_reason", required=True,
                             widget=forms.Textarea(attrs={"rows": 3}))


class TaskDoneForm(VietnameseErrorsMixin, forms.Form):
    note = long_text_field("Kết quả thực hiện", "task.done_note", required=True,
                           widget=forms.Textarea(attrs={"rows": 2}))
    on = date_field("Ngày hoàn thành")



class PaperForm(VietnameseErrorsMixin, forms.Form):
    """The members of the roll who were handed the printed notice (ticked on the notice page)."""

    members = forms.TypedMultipleChoiceField(label="Đảng viên đã nhận bản in", coerce=int, error_messages={
        "invalid_choice": "Có người không thuộc danh sách chi bộ vào ngày họp."})

    def __init__(self, *args, roll=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = [(m.pk, m.full_name) for m in roll]
        self.fields["members"].error_messages["required"] = "Chọn ít nhất một đảng viên đã nhận bản in."


class Hd42PrepForm(VietnameseErrorsMixin, forms.Form):
    """HD 42-HD/BTCTW: the preparation steps' dates and the member who scores the meeting."""

    docs_posted_on = date_field("Ngày đăng tài liệu lên Sổ tay đảng viên điện tử", required=False)
    committee_prepared_on = date_field("Ngày chi ủy (bí thư, phó bí thư nơi không có chi ủy) thống nhất nội dung",
                                       required=False)
    superior_notified_on = date_field("Ngày thông báo đến cấp ủy viên cấp trên theo dõi chi bộ", required=False)
    scorer = MemberChoiceField(label="Người theo dõi, chấm điểm buổi sinh hoạt", queryset=Member.objects.none(),
                               required=False, to_field_name="code", empty_label="— chưa phân công —",
                               error_messages={"invalid_choice": "Đồng chí này không có trong danh sách chi bộ "
                                                                 "ngày họp."})

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        if members is not None:
            self.fields["scorer"].queryset = members


class ResultsPostedForm(VietnameseErrorsMixin, forms.Form):
    """HD 42-HD/BTCTW: after the meeting, when its results were posted, or that they are secret."""

    results_posted_on = date_field("Ngày đăng kết luận, nghị quyết lên Sổ tay đảng viên điện tử", required=False)
    secret_content = forms.BooleanField(label="Nội dung mật (không đăng kết quả)", required=False)
