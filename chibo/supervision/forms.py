"""Forms of the committees' orientation pages: they bind and check input; the services decide."""

from django import forms

from chibo.limits import TEXT_LIMITS, too_long
from chibo.orgs.forms import VietnameseErrorsMixin, long_text_field


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
