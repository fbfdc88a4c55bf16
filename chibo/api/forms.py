from django import forms

from chibo.api.services import NAME_MAX


class TokenForm(forms.Form):
    name = forms.CharField(label="Tên khóa", max_length=NAME_MAX,
                           error_messages={"required": "Đặt tên cho khóa (ví dụ: tên hệ thống sẽ dùng khóa).",
                                           "max_length": f"Tên khóa dài quá {NAME_MAX} ký tự."})
