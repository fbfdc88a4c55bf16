from django import forms
from django.contrib.auth import forms as auth_forms


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Mã xác thực (6 chữ số trên ứng dụng)", max_length=12, strip=True,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
        error_messages={"required": "Xin nhập mã xác thực."})


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Mật khẩu hiện tại"
        self.fields["new_password1"].label = "Mật khẩu mới"
        self.fields["new_password2"].label = "Nhập lại mật khẩu mới"
        self.fields["new_password1"].help_text = ""
        self.error_messages = {
            **self.error_messages,
            "password_incorrect": "Mật khẩu hiện tại không đúng.",
            "password_mismatch": "Hai lần nhập mật khẩu mới không khớp.",
        }


class SetPasswordForm(auth_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "Mật khẩu mới"
        self.fields["new_password2"].label = "Nhập lại mật khẩu mới"
        self.fields["new_password1"].help_text = ""
        self.error_messages = {**self.error_messages,
                               "password_mismatch": "Hai lần nhập mật khẩu mới không khớp."}


class PasswordResetForm(auth_forms.PasswordResetForm):
    """The reset link goes only to the e-mail address of the login itself (set by an
    administrator), never to a member record's address, which cell secretaries can edit."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Email của tài khoản"
        self.fields["email"].error_messages = {"required": "Xin nhập email.",
                                               "invalid": "Email không hợp lệ."}

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None):
        """Plain-text subject and body rendered as plain text (chibo.plaintext), like every e-mail;
        sent by a job (`chibo.jobs.tasks.send_email`: retried, sent once) after the commit."""
        import uuid

        from chibo import jobs
        from chibo.jobs.tasks import send_email
        from chibo.plaintext import render_text

        subject = "".join(render_text(subject_template_name, context).splitlines())
        jobs.enqueue(send_email, f"password-reset:{uuid.uuid4().hex}", subject,
                     render_text(email_template_name, context), [to_email], from_email)
