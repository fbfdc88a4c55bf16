from django import forms

from chibo.limits import SPREADSHEET_MAX_BYTES, TEXT_LIMITS, YEAR_MAX, YEAR_MIN, size_label, too_long
from chibo.orgs.models import (
    CELL_KINDS,
    Member,
    MemberPeriod,
    Organization,
    OrgKind,
    Position,
    Role,
    code_validator,
)

DATE_WIDGET = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})


YEAR_MESSAGE = f"Năm phải từ {YEAR_MIN} đến {YEAR_MAX}."


def check_year(day):
    """Dates outside YEAR_MIN..YEAR_MAX are typing mistakes (and break calendars and documents)."""
    if day is not None and not YEAR_MIN <= day.year <= YEAR_MAX:
        raise forms.ValidationError(YEAR_MESSAGE, code="year_range")


def date_field(label, required=True):
    return forms.DateField(label=label, required=required, widget=DATE_WIDGET,
                           input_formats=["%d/%m/%Y", "%Y-%m-%d"], validators=[check_year],
                           error_messages={"invalid": "Ngày không hợp lệ (định dạng dd/mm/yyyy)."})


def long_text_field(label, key, required=False, **kwargs):
    """A free text bounded by chibo.limits.TEXT_LIMITS[key], with the limit's message."""
    limit = TEXT_LIMITS[key]
    return forms.CharField(label=label, required=required, max_length=limit,
                           error_messages={"max_length": too_long(label, limit)}, **kwargs)


def code_field(label, max_length):
    """An organisation or member code: the safe alphabet of chibo.orgs.codes."""
    return forms.CharField(label=label, max_length=max_length, validators=[code_validator])


class VietnameseErrorsMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages.setdefault("required", "Trường này bắt buộc.")
            field.error_messages["required"] = "Trường này bắt buộc."


class OrganizationForm(VietnameseErrorsMixin, forms.Form):
    code = code_field("Mã", 64)
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
            self.fields["code"].validators = []  # the code is not changed (and may predate the alphabet)


class MemberForm(VietnameseErrorsMixin, forms.Form):
    code = code_field("Mã đảng viên", 32)
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
            self.fields["code"].validators = []


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

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload is not None and upload.size > SPREADSHEET_MAX_BYTES:
            raise forms.ValidationError(f"Tệp lớn quá {size_label(SPREADSHEET_MAX_BYTES)}.", code="too_large")
        return upload


# --- roles and logins (chibo/orgs/services_accounts.py) ------------------------------------------

class RoleForm(VietnameseErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label="Vai trò", choices=Role.Kind.choices)
    organization = forms.ModelChoiceField(
        label="Tại tổ chức (mã)", queryset=Organization.objects.none(), to_field_name="code",
        widget=forms.TextInput(attrs={"list": "role-orgs", "autocomplete": "off", "placeholder": "mã tổ chức"}),
        error_messages={"invalid_choice": "Không tìm thấy tổ chức có mã này trong phạm vi của đồng chí."})

    def __init__(self, *args, orgs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = orgs


class LoginForm(VietnameseErrorsMixin, forms.Form):
    username = forms.CharField(label="Tên đăng nhập", max_length=150,
                               error_messages={"max_length": "Tên đăng nhập dài tối đa 150 ký tự."})
