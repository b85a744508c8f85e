from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = "Учётные записи и люди"

    def ready(self):
        from . import audit

        audit.connect()
