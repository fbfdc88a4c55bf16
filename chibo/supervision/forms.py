"""Forms of the committees' pages (orientation, visits, recommendations): they bind and check
input; the services decide."""

from django import forms

from chibo import vocabulary
from chibo.limits import TEXT_LIMITS, too_long
from chibo.orgs.forms import VietnameseErrorsMixin, long_text_field
from chibo.supervision.services import ANSWER_MAX, RECOMMENDATION_TEXT_MAX, VISIT_TEXT_MAX


class OrientationForm(VietnameseErrorsMixin, forms.Form):
    month = forms.IntegerField(label="Tháng", min_value=1, max_value=12,
                               error_messages={"invalid": "Tháng phải là số từ 1 đến 12.",
                                               "min_value": "Tháng phải từ 1 đến 12.",
                                               "max_value": "Tháng phải từ 1 đến 12."})
    year = forms.IntegerField(label="Năm", min_value=1900, max_value=2100,
                              error_messages={"invalid": "Năm phải là số.", "min_value": "Năm phải từ 1900 đến 2100.",
                                              "max_value": "Năm phải từ 1900 đến 2100."})
    title = forms.CharField(label="Chủ đề", max_length=255,
                            error_messages={"max_length": "Chủ đề dài quá 255 ký tự."})
    content = long_text_field("Nội dung định hướng", "orientation.content",
                              widget=forms.Textarea(attrs={"rows": 5}))
    documents = forms.CharField(label="Tài liệu nghiên cứu (mỗi dòng một tài liệu)", required=False,
                                max_length=TEXT_LIMITS["agenda.notes"],
                                error_messages={"max_length": too_long("Tài liệu nghiên cứu",
                                                                       TEXT_LIMITS["agenda.notes"])},
                                widget=forms.Textarea(attrs={"rows": 3}))


class RecommendationSendForm(VietnameseErrorsMixin, forms.Form):
    """Mark a speech or an agenda item as a recommendation to the superior committee."""

    topic = forms.ChoiceField(label="Lĩnh vực", choices=vocabulary.RECOMMENDATION_TOPICS.choices())
    text = forms.CharField(label="Nội dung kiến nghị (để trống: lấy nguyên ý kiến)", required=False,
                           max_length=RECOMMENDATION_TEXT_MAX,
                           error_messages={"max_length": too_long("Nội dung kiến nghị", RECOMMENDATION_TEXT_MAX)},
                           widget=forms.Textarea(attrs={"rows": 2}))


class AnswerForm(VietnameseErrorsMixin, forms.Form):
    answer = forms.CharField(label="Nội dung trả lời", max_length=ANSWER_MAX,
                             error_messages={"max_length": too_long("Nội dung trả lời", ANSWER_MAX)},
                             widget=forms.Textarea(attrs={"rows": 4}))


class ForwardForm(VietnameseErrorsMixin, forms.Form):
    note = forms.CharField(label="Lý do chuyển cấp ủy cấp trên", required=False, max_length=ANSWER_MAX,
                           error_messages={"max_length": too_long("Ghi chú", ANSWER_MAX)},
                           widget=forms.Textarea(attrs={"rows": 2}))


class VisitForm(VietnameseErrorsMixin, forms.Form):
    """A visit recorded on a meeting: who came for which committee, what they said."""

    who = forms.ChoiceField(label="Đồng chí dự (cấp ủy cử đi)", choices=())
    remarks = forms.CharField(label="Nhận xét về buổi sinh hoạt", required=False, max_length=VISIT_TEXT_MAX,
                              error_messages={"max_length": too_long("Nhận xét", VISIT_TEXT_MAX)},
                              widget=forms.Textarea(attrs={"rows": 3}))
    guidance = forms.CharField(label="Ý kiến chỉ đạo", required=False, max_length=VISIT_TEXT_MAX,
                               error_messages={"max_length": too_long("Ý kiến chỉ đạo", VISIT_TEXT_MAX)},
                               widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, members=(), **kwargs):
        """`members`: [("<member id>-<committee id>", "Name — Committee")] the meeting's superior
        committees may send."""
        super().__init__(*args, **kwargs)
        self.fields["who"].choices = [("", "— chọn —"), *members]


class VisitPlanForm(VietnameseErrorsMixin, forms.Form):
    cell = forms.TypedChoiceField(label="Chi bộ", coerce=int, choices=())
    assignee = forms.TypedChoiceField(label="Đồng chí được phân công", coerce=int, choices=())
    meeting = forms.TypedChoiceField(label="Cuộc họp (nếu đã biết)", coerce=int, choices=(), required=False,
                                     empty_value=None)
    note = forms.CharField(label="Ghi chú", required=False, max_length=255,
                           error_messages={"max_length": "Ghi chú dài quá 255 ký tự."})

    def __init__(self, *args, cells=(), members=(), meetings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cell"].choices = [("", "— chọn —"), *cells]
        self.fields["assignee"].choices = [("", "— chọn —"), *members]
        self.fields["meeting"].choices = [("", "— chưa chọn —"), *meetings]
