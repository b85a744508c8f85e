from django.urls import reverse

from .models import Role


def navigation(request):
    """Navigation items of the user's role; only pages that exist for that role are listed."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = [("Главная", reverse("home"))]
    if user.role == Role.DIRECTOR and user.school_id:
        items.append(("Моя школа", reverse("monitoring:my_school")))
    if user.role == Role.CURATOR:
        items.append(("Мои школы", reverse("monitoring:curator_home")))
    if user.is_superuser or user.role in (Role.COORDINATOR, Role.CHAIR, Role.REGION):
        items.append(("Контроль", reverse("monitoring:dashboard")))
        items.append(("Реестр", reverse("monitoring:register")))
    if user.is_superuser or user.role in (Role.COORDINATOR, Role.CHAIR, Role.CURATOR, Role.REGION):
        items.append(("Школы", reverse("schools:school_list")))
    if user.is_superuser or user.role:
        items.append(("Списки", reverse("schools:schoollist_list")))
        items.append(("Планы", reverse("roadmaps:plan_list")))
        items.append(("Приказы", reverse("reports:order_list")))
    if user.is_superuser:
        items.append(("Администрирование", reverse("admin:index")))
    current = request.path
    # «Контроль исполнения» lives at the root of /execution/, a prefix of every execution page.
    exact = {reverse("home"), reverse("monitoring:dashboard")}
    nav = [
        {"label": label, "url": url, "active": url == current or (url not in exact and current.startswith(url))}
        for label, url in items
    ]
    return {"nav_items": nav, "role_label": user.get_role_display() if user.role else ("Администратор" if user.is_superuser else "")}
