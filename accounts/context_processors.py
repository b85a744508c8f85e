from django.urls import reverse

from .models import Role


def navigation(request):
    """Navigation items of the user's role; only pages that exist for that role are listed."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = [("Главная", reverse("home"))]
    if user.is_superuser or user.role in (Role.COORDINATOR, Role.CHAIR, Role.CURATOR, Role.REGION):
        items.append(("Школы", reverse("schools:school_list")))
    elif user.role == Role.DIRECTOR and user.school_id:
        items.append(("Моя школа", reverse("schools:school_detail", args=[user.school_id])))
    if user.is_superuser or user.role:
        items.append(("Списки", reverse("schools:schoollist_list")))
        items.append(("Планы", reverse("roadmaps:plan_list")))
        items.append(("Приказы", reverse("reports:order_list")))
    if user.is_superuser:
        items.append(("Администрирование", reverse("admin:index")))
    current = request.path
    nav = [{"label": label, "url": url, "active": url == current or (url != "/" and current.startswith(url))} for label, url in items]
    return {"nav_items": nav, "role_label": user.get_role_display() if user.role else ("Администратор" if user.is_superuser else "")}
