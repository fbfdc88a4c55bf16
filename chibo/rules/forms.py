from django import forms

from chibo.rules.profile import PROFILE_KEYS, PROFILE_LABELS, PROFILE_RANGES, RUBRICS


class ProfileForm(forms.Form):
    """One optional field per parameter: empty means 'inherit from the superior'."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key in PROFILE_KEYS:
            if key == "rubric":
                self.fields[key] = forms.ChoiceField(label=PROFILE_LABELS[key], required=False,
                                                     choices=[("", "(kế thừa)")] + [(r, r) for r in RUBRICS])
            else:
                lo, hi = PROFILE_RANGES[key]
                self.fields[key] = forms.IntegerField(
                    label=PROFILE_LABELS[key], required=False, min_value=lo, max_value=hi,
                    error_messages={"invalid": "Nhập một số nguyên.",
                                    "min_value": f"Giá trị phải từ {lo} trở lên.",
                                    "max_value": f"Giá trị không được lớn hơn {hi}."})

    def values(self) -> dict:
        return {k: (v if v not in ("", None) else None) for k, v in self.cleaned_data.items()}
