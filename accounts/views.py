from django.contrib.auth import views as auth_views


class PasswordSetView(auth_views.PasswordResetConfirmView):
    """The invitation's and the reset letter's link: a switched-off account gets «ссылка недействительна»."""

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None
