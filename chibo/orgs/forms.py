from django import forms

from chibo.orgs.models import CELL_KINDS, Member, MemberPeriod, Organization, OrgKind, Position

DATE_WIDGET = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})


def date_field(label, required=True):
    return forms.DateField(label=label, required=required, widget=DATE_WIDGET,
                           input_formats=["%d/%m/%Y", "%Y-%m-%d"],
                           error_messages={"invalid": "Ngày không hợp lệ (định dạng dd/mm/yyyy)."})


class VietnameseErrorsMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages.setdefault("required", "Trường này bắt buộc.")
            field.error_messages["required"] = "Trường này bắt buộc."


class OrganizationForm(VietnameseErrorsMixin, forms.Form):
    code = forms.CharField(label="Mã", max_length=64)
    name = forms.CharField(label="Tên", max_length=255)
    kind = forms.ChoiceField(label="Loại", choices=OrgKind.choices)
    parent = forms.ModelChoiceField(label="Cấp trên", queryset=Organization.objects.none(), required=False,
                                    to_field_name="code")
    established_on = date_field("Ngày thành lập", required=False)
    locality = forms.CharField(label="Địa danh ghi trên văn bản", max_length=120, required=False)
    address = forms.CharField(label="Địa chỉ", max_length=255, required=False)

    def __init__(self, *args, parents=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if parents is not None:
            self.fields["parent"].queryset = parents
        if editing:
            self.fields["code"].disabled = True


class MemberForm(VietnameseErrorsMixin, forms.Form):
    code = forms.RegexField(label="Mã đảng viên", max_length=32, regex=r"^[A-Za-z0-9_-]+$",
                            error_messages={"invalid": "Mã chỉ gồm chữ không dấu, số, '-' và '_'."})
    full_name = forms.CharField(label="Họ và tên", max_length=120)
    gender = forms.ChoiceField(label="Giới tính", choices=[("", "—")] + list(Member.Gender.choices), required=False)
    birth_date = date_field("Ngày sinh", required=False)
    joined_on = date_field("Ngày vào Đảng", required=False)
    official_on = date_field("Ngày chính thức", required=False)
    phone = forms.RegexField(label="Số điện thoại", max_length=20, required=False, regex=r"^[0-9 +.]*$",
                             error_messages={"invalid": "Số điện thoại chỉ gồm chữ số, dấu cách và '+'."})
    email = forms.EmailField(label="Email", required=False, error_messages={"invalid": "Email không hợp lệ."})
    address = forms.CharField(label="Địa chỉ", max_length=255, required=False)

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["code"].disabled = True


class NewMemberForm(MemberForm):
    start = date_field("Sinh hoạt tại chi bộ từ ngày")


class TransferForm(VietnameseErrorsMixin, forms.Form):
    organization = forms.ModelChoiceField(label="Chuyển đến chi bộ", queryset=Organization.objects.none(),
                                          to_field_name="code")
    on = date_field("Từ ngày")

    def __init__(self, *args, cells=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = cells.filter(kind__in=CELL_KINDS)


class PeriodForm(VietnameseErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label="Loại", choices=MemberPeriod.Kind.choices)
    start = date_field("Từ ngày")
    end = date_field("Đến ngày", required=False)
    reason = forms.CharField(label="Lý do", max_length=255, required=False)


class PositionForm(VietnameseErrorsMixin, forms.Form):
    title = forms.ChoiceField(label="Chức vụ", choices=Position.Title.choices)
    start = date_field("Từ ngày")
    end = date_field("Đến ngày", required=False)


class MemberImportForm(forms.Form):
    file = forms.FileField(label="Tệp Excel (.xlsx)", error_messages={"required": "Chọn tệp Excel để nhập."})
