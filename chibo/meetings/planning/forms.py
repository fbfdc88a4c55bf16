"""Forms of the planning pages (the year plan, a meeting added by hand, the thematic plan, the
agenda template) and the fields the preparation forms share with them: they bind and check
input; the services decide."""


from django import forms
from django.db.models import Exists, OuterRef
from django.forms import formset_factory

from chibo.meetings.models import AgendaSection, MeetingKind
from chibo.orgs.forms import VietnameseErrorsMixin, date_field
from chibo.orgs.models import Member, Membership

TIME_WIDGET = forms.TimeInput(format="%H:%M", attrs={"placeholder": "hh:mm", "inputmode": "numeric"})


def time_field(label, required=False):
    return forms.TimeField(label=label, required=required, widget=TIME_WIDGET, input_formats=["%H:%M", "%H:%M:%S"],
                           error_messages={"invalid": "Giờ không hợp lệ (định dạng hh:mm)."})


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.code})"


def roll_members(cell, day):
    """Members on the cell's roll on `day` (the choices of presenter and contributor fields)."""
    on_roll = Membership.objects.on(day).filter(organization=cell, member=OuterRef("pk"))
    return Member.objects.filter(Exists(on_roll)).order_by("sort_key", "code")


class YearPlanForm(VietnameseErrorsMixin, forms.Form):
    year = forms.IntegerField(label="Năm", min_value=2000, max_value=2100,
                              error_messages={"min_value": "Năm phải từ 2000 đến 2100.",
                                              "max_value": "Năm phải từ 2000 đến 2100.",
                                              "invalid": "Năm không hợp lệ."})
    combine = forms.BooleanField(label="Kết hợp sinh hoạt chuyên đề với sinh hoạt thường kỳ (khi chuyên đề chưa có "
                                       "ngày riêng)", required=False, initial=True)


class MeetingCreateForm(VietnameseErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label="Loại sinh hoạt", choices=MeetingKind.choices, initial=MeetingKind.EXTRAORDINARY)
    date = date_field("Ngày họp")
    start = time_field("Giờ bắt đầu")
    place = forms.CharField(label="Địa điểm", max_length=255, required=False)
    topic = forms.CharField(label="Nội dung / chuyên đề", max_length=500, required=False)


class ThematicPlanRowForm(VietnameseErrorsMixin, forms.Form):
    quarter = forms.TypedChoiceField(label="Quý", coerce=int, choices=[(q, f"Quý {q}") for q in (1, 2, 3, 4)])
    topic = forms.CharField(label="Chuyên đề", max_length=500, required=False)
    presenter = MemberChoiceField(label="Người trình bày đề dẫn", queryset=Member.objects.none(), required=False,
                                  to_field_name="code", empty_label="—")
    planned_date = date_field("Ngày dự kiến (để trống: kết hợp với sinh hoạt thường kỳ)", required=False)

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        if members is not None:
            self.fields["presenter"].queryset = members


ThematicPlanFormSet = formset_factory(ThematicPlanRowForm, extra=0)


class TemplateRowForm(VietnameseErrorsMixin, forms.Form):
    order = forms.IntegerField(label="Thứ tự", required=False, min_value=0, max_value=999,
                               widget=forms.NumberInput(attrs={"class": "order"}))
    section = forms.ChoiceField(label="Phần", choices=AgendaSection.choices)
    title = forms.CharField(label="Nội dung", max_length=255, required=False)


TemplateFormSet = formset_factory(TemplateRowForm, extra=0)


def rows_in_order(formset, keys):
    """Cleaned rows of a formset ordered by their 'order' field (blank last), then as shown."""
    rows = [(f.cleaned_data.get("order"), i, f.cleaned_data) for i, f in enumerate(formset.forms) if f.cleaned_data]
    rows.sort(key=lambda r: (r[0] is None, r[0] or 0, r[1]))
    return [tuple(data.get(k) or "" for k in keys) for _o, _i, data in rows]
