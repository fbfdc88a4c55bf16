from django import forms

from chibo import vocabulary
from chibo.fees import calculator
from chibo.fees.models import MAX_AMOUNT
from chibo.limits import SPREADSHEET_MAX_BYTES, size_label
from chibo.orgs.forms import VietnameseErrorsMixin, date_field


def amount_field(label, required=False):
    return forms.IntegerField(label=label, required=required, min_value=0, max_value=MAX_AMOUNT,
                              widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                              error_messages={"invalid": "Nhập số đồng (chỉ gồm chữ số).",
                                              "min_value": "Số tiền không được âm.",
                                              "max_value": "Số tiền tối đa 1.000.000.000.000 đồng."})


class MonthField(forms.CharField):
    """A month typed MM/YYYY (or YYYY-MM) -> its first day."""

    def __init__(self, label, **kwargs):
        super().__init__(label=label, max_length=7, widget=forms.TextInput(attrs={"placeholder": "mm/yyyy"}),
                         **kwargs)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        try:
            return calculator.parse_month(text)
        except ValueError:
            raise forms.ValidationError("Tháng không hợp lệ (định dạng mm/yyyy).") from None


def _choices(code_list, codes=None):
    return [("", "—")] + [(t.code, t.label) for t in code_list if codes is None or t.code in codes]


class FeeRecordForm(VietnameseErrorsMixin, forms.Form):
    """A member's month: category, income, due (empty: the calculator's), and payment."""

    category = forms.ChoiceField(label="Đối tượng", required=False)
    base = amount_field("Thu nhập làm căn cứ (đồng)")
    due = amount_field("Số phải đóng trước miễn, giảm (đồng; để trống: theo biểu mức)")
    paid = amount_field("Số đã nộp (đồng)")
    paid_on = date_field("Ngày nộp", required=False)
    channel = forms.ChoiceField(label="Hình thức nộp", required=False, choices=_choices(vocabulary.FEE_CHANNELS))
    collector = forms.ChoiceField(label="Người thu", required=False)

    def __init__(self, *args, month, collectors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _choices(vocabulary.FEE_CATEGORIES, calculator.category_codes(month))
        self.fields["collector"].choices = [("", "—")] + [(m.code, m.full_name) for m in collectors]
        self.collectors = {m.code: m for m in collectors}

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return dict(category=d["category"], base=d["base"], due=d["due"], paid=d["paid"] or 0,
                    paid_on=d["paid_on"], channel=d["channel"], collector=self.collectors.get(d["collector"]))


class PaymentForm(VietnameseErrorsMixin, forms.Form):
    paid = amount_field("Số đã nộp (đồng)", required=True)
    paid_on = date_field("Ngày nộp", required=False)
    channel = forms.ChoiceField(label="Hình thức nộp", required=False, choices=_choices(vocabulary.FEE_CHANNELS))
    collector = forms.ChoiceField(label="Người thu", required=False)

    def __init__(self, *args, collectors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["collector"].choices = [("", "—")] + [(m.code, m.full_name) for m in collectors]
        self.collectors = {m.code: m for m in collectors}

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return dict(paid=d["paid"], paid_on=d["paid_on"], channel=d["channel"],
                    collector=self.collectors.get(d["collector"]))


class ReliefForm(VietnameseErrorsMixin, forms.Form):
    member = forms.ChoiceField(label="Đảng viên")
    kind = forms.ChoiceField(label="Miễn, giảm", choices=_choices(vocabulary.RELIEF_KINDS))
    basis = forms.ChoiceField(label="Căn cứ", choices=_choices(vocabulary.RELIEF_BASES))
    from_month = MonthField("Từ tháng (mm/yyyy)")
    to_month = MonthField("Đến tháng (mm/yyyy; để trống nếu không thời hạn)", required=False)
    decided_by = forms.ChoiceField(label="Tổ chức quyết định")
    decision_number = forms.CharField(label="Số quyết định", max_length=40, required=False)
    decision_date = date_field("Ngày quyết định", required=False)
    reason = forms.CharField(label="Lý do", max_length=255, required=False)

    def __init__(self, *args, members, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [("", "—")] + [(m.code, f"{m.full_name} ({m.code})") for m in members]
        self.fields["decided_by"].choices = [(o.code, o.name) for o in orgs]
        self.members = {m.code: m for m in members}
        self.orgs = {o.code: o for o in orgs}

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return dict(member=self.members[d["member"]], kind=d["kind"], basis=d["basis"], from_month=d["from_month"],
                    to_month=d["to_month"], decided_by=self.orgs[d["decided_by"]], reason=d["reason"],
                    decision_number=d["decision_number"], decision_date=d["decision_date"])


class ImportForm(VietnameseErrorsMixin, forms.Form):
    file = forms.FileField(label=f"Tệp Excel (.xlsx, tối đa {size_label(SPREADSHEET_MAX_BYTES)})")
