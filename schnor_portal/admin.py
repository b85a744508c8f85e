from django.contrib.admin import AdminSite


class PortalAdminSite(AdminSite):
    """The admin shows every municipality at once, so only superusers may enter it.

    Role accounts (even with is_staff set by mistake) work through the portal's pages,
    which are scoped by municipality and role.
    """

    site_header = "Портал ШНОР — администрирование"
    site_title = "Портал ШНОР"
    index_title = "Справочники и данные"

    def has_permission(self, request):
        return request.user.is_active and request.user.is_superuser
