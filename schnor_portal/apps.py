from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class SchnorPortalConfig(AppConfig):
    """The project package is an app too: it owns what spans all apps (home page, demo data)."""

    default = True
    default_auto_field = "django.db.models.BigAutoField"
    name = "schnor_portal"
    verbose_name = "Портал ШНОР"


class PortalAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "schnor_portal.admin.PortalAdminSite"
