import unicodedata

from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.mail import EmailMessage

from .invitations import letter_send_on_commit, link_valid_until, password_link, render_letter


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Неверное имя пользователя или пароль. Проверьте раскладку клавиатуры и Caps Lock.",
        "inactive": "Учётная запись отключена. Обратитесь к муниципальному координатору.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "Имя пользователя"
        self.fields["username"].widget.attrs.update({"autofocus": True, "autocomplete": "username"})
        self.fields["password"].label = "Пароль"

    def add_error(self, field, error):
        """A refused login marks both fields, which name the message, for a screen reader."""
        super().add_error(field, error)
        if field is None:
            for name in ("username", "password"):
                self.fields[name].widget.attrs.update({"aria-invalid": "true", "aria-describedby": "login-error"})


class PortalPasswordResetForm(PasswordResetForm):
    """«Забыли пароль?»: the letter goes through the portal's mail (on commit, absolute link).

    The page answers the same whether or not the address has an account (PasswordResetView
    always shows «письмо отправлено»), so it cannot be used to learn who works on the portal.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Адрес эл. почты"
        self.fields["email"].widget.attrs.update({"autofocus": True})

    def get_users(self, email):
        """Active accounts with this address, also those invited but without a password yet:
        Django skips unusable passwords (made for outside sign-in), here every account is local
        and an expired invitation must not leave its owner locked out."""
        return (
            user
            for user in get_user_model()._default_manager.filter(email__iexact=email, is_active=True)
            if _same_address(user.email, email)
        )

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None):
        user = context["user"]
        context = {
            **context,
            "link": password_link(user),
            "valid_until": link_valid_until(),
        }
        subject = " ".join(render_letter(subject_template_name, context, user=user).split())
        body = render_letter(email_template_name, context, user=user)
        letter_send_on_commit(EmailMessage(subject=subject, body=body, from_email=from_email, to=[to_email]))


def _same_address(stored, typed):
    """Unicode-normalised and case-folded, as Django's own form compares them: `iexact` in the
    database may match a look-alike address whose letter would go to someone else (CVE-2019-19844)."""
    return unicodedata.normalize("NFKC", stored).casefold() == unicodedata.normalize("NFKC", typed).casefold()
