from django import forms

from chibo.orgs.selectors import ANSWER_DAYS, RECOMMENDATION_ANSWER_RANGE
from chibo.rules.profile import (
    BOOLEAN_KEYS,
    PROFILE_KEYS,
    PROFILE_LABELS,
    PROFILE_RANGES,
    RULEBOOK_LABELS,
    yes_no_label,
)

INHERIT = ("", "(kế thừa)")
#: Chibo's own setting shown among the profile's parameters (`ANSWER_DAYS`; not a rule of the
#: audit: stored on the organisation, never in a bundle).
ANSWER_DAYS_LABEL = "Số ngày cấp ủy trả lời kiến nghị của chi bộ (kể từ khi nhận)"


class ProfileForm(forms.Form):
    """One optional field per parameter: empty means 'inherit from the superior'.

    ``rubric_choices``: ``[(id, label)]`` of the rubrics the organisation may name (the
    built-in ones and the scoring sheets stored for its tree: ``services.rubric_choices``).
    """

    def __init__(self, *args, rubric_choices=(), **kwargs):
        initial = dict(kwargs.pop("initial", None) or {})
        for key in BOOLEAN_KEYS:  # a stored true/false shows as the choice's code
            if type(initial.get(key)) is bool:
                initial[key] = "true" if initial[key] else "false"
        super().__init__(*args, initial=initial, **kwargs)
        for key in PROFILE_KEYS:
            if key == "rubric":
                self.fields[key] = forms.ChoiceField(label=PROFILE_LABELS[key], required=False,
                                                     choices=[INHERIT, *rubric_choices])
            elif key == "rulebook":
                self.fields[key] = forms.ChoiceField(label=PROFILE_LABELS[key], required=False,
                                                     choices=[INHERIT, *RULEBOOK_LABELS.items()])
            elif key in BOOLEAN_KEYS:
                self.fields[key] = forms.ChoiceField(
                    label=PROFILE_LABELS[key], required=False,
                    choices=[INHERIT, ("true", yes_no_label(True)), ("false", yes_no_label(False))])
            else:
                lo, hi = PROFILE_RANGES[key]
                self.fields[key] = forms.IntegerField(
                    label=PROFILE_LABELS[key], required=False, min_value=lo, max_value=hi,
                    error_messages={"invalid": "Nhập một số nguyên.",
                                    "min_value": f"Giá trị phải từ {lo} trở lên.",
                                    "max_value": f"Giá trị không được lớn hơn {hi}."})

        lo, hi = RECOMMENDATION_ANSWER_RANGE
        self.fields[ANSWER_DAYS] = forms.IntegerField(
            label=ANSWER_DAYS_LABEL, required=False, min_value=lo, max_value=hi,
            error_messages={"invalid": "Nhập một số nguyên.", "min_value": f"Giá trị phải từ {lo} trở lên.",
                            "max_value": f"Giá trị không được lớn hơn {hi}."})

    def values(self) -> dict:
        out = {}
        for key, value in self.cleaned_data.items():
            if value in ("", None):
                out[key] = None
            elif key in BOOLEAN_KEYS:
                out[key] = value == "true"
            else:
                out[key] = value
        return out
