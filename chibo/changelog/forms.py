from django import forms

from chibo.changelog import selectors

DATE_FORMATS = ["%d/%m/%Y"]
DATE_ERROR = {"invalid": "Ngày không hợp lệ (định dạng dd/mm/yyyy)."}


def _date(label):
    return forms.DateField(label=label, required=False, input_formats=DATE_FORMATS, error_messages=DATE_ERROR,
                           widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy",
                                                                            "inputmode": "numeric"}))


class LogFilterForm(forms.Form):
    nguoi = forms.CharField(label="Người thực hiện", required=False, max_length=150,
                            widget=forms.TextInput(attrs={"placeholder": "tên đăng nhập hoặc họ tên"}))
    loai = forms.ChoiceField(label="Loại hồ sơ", required=False)
    ma = forms.CharField(label="Mã hồ sơ", required=False, max_length=64,
                         widget=forms.TextInput(attrs={"placeholder": "mã đảng viên, mã cuộc họp, số…"}))
    to_chuc = forms.CharField(label="Tổ chức (mã)", required=False, max_length=64)
    tu = _date("Từ ngày")
    den = _date("Đến ngày")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["loai"].choices = [("", "Tất cả")] + selectors.kinds()
        self.fields["loai"].error_messages["invalid_choice"] = "Loại hồ sơ không hợp lệ."

    def clean(self):
        data = super().clean()
        if data.get("tu") and data.get("den") and data["den"] < data["tu"]:
            self.add_error("den", "Ngày kết thúc không được trước ngày bắt đầu.")
        return data
