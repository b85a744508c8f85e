from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class SchnorPortalConfig(AppConfig):
    """The project package is an app too: it owns what spans all apps (home page, demo data)."""

    default = True
    default_auto_field = "django.db.models.BigAutoField"
    name = "schnor_portal"
    verbose_name = "Портал ШНОР"

    def ready(self):
        import sys

        from django.conf import settings
        from django.core.exceptions import ImproperlyConfigured

        from . import checks  # registers the system check

        # Every process (gunicorn, Celery worker and beat, manage.py) loads the apps: one place to
        # refuse before serving. `manage.py check` is let through so that it can list each problem
        # with its id (schnor.E001…) instead of stopping at the first line.
        if sys.argv[1:2] == ["check"]:
            return
        refusal = checks.startup_refusal(settings)
        if refusal:
            raise ImproperlyConfigured(refusal)


class PortalAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "schnor_portal.admin.PortalAdminSite"
