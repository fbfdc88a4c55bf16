from django import forms

from chibo import vocabulary


class PreferencesForm(forms.Form):
    """The kinds of reminder a person receives (a kind not ticked is turned off)."""

    kinds = forms.MultipleChoiceField(label="Loại nhắc việc nhận", required=False,
                                      choices=vocabulary.REMINDER_KINDS.choices(),
                                      widget=forms.CheckboxSelectMultiple,
                                      error_messages={"invalid_choice": "Loại nhắc việc không hợp lệ: %(value)s."})
