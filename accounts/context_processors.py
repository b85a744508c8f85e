from django.urls import reverse

from .models import REGION_ROLES, Role


def navigation(request):
    """Navigation items of the user's role; only pages that exist for that role are listed."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = [("Главная", reverse("home"))]
    if user.role == Role.DIRECTOR and user.school_id:
        items.append(("Моя школа", reverse("monitoring:my_school")))
        items.append(("Результаты", reverse("results:school_results", args=[user.school_id])))
    if user.role == Role.CURATOR:
        items.append(("Мои школы", reverse("monitoring:curator_home")))
    if user.role in REGION_ROLES and user.region_id:
        items.append(("Кабинет региона", reverse("region:cabinet")))
    if user.role == Role.REGION_ADMIN and user.region_id:
        items.append(("Муниципалитеты", reverse("municipalities:municipality_list")))
    oversees = user.is_superuser or user.role in (Role.COORDINATOR, Role.CHAIR, *REGION_ROLES)
    if oversees:
        items.append(("Контроль", [("Контроль исполнения", reverse("monitoring:dashboard")), ("Реестр контрольных точек", reverse("monitoring:register"))]))
        items.append(
            (
                "Итоги",
                [
                    ("Обзор муниципалитета", reverse("overview:municipal")),
                    ("Работает ли план", reverse("overview:plan_effect")),
                    ("Результаты ОГЭ, ЕГЭ, ВПР", reverse("results:result_list")),
                ],
            )
        )
    elif user.role == Role.CURATOR:
        items.append(("Результаты", reverse("results:result_list")))
    if user.is_superuser or user.role in (Role.COORDINATOR, Role.CHAIR, Role.CURATOR, *REGION_ROLES):
        items.append(("Школы", reverse("schools:school_list")))
    if user.role == Role.COORDINATOR and user.municipality_id:
        items.append(
            (
                "Муниципалитет",
                [
                    ("Реквизиты органа управления", reverse("municipalities:authority_change")),
                    ("Люди", reverse("municipalities:person_list")),
                    ("Учётные записи", reverse("municipalities:account_list")),
                    ("Рабочие группы", reverse("roadmaps:working_group_list")),
                ],
            )
        )
    if user.is_superuser or user.role:
        items.append(("Списки", reverse("schools:schoollist_list")))
        items.append(("Планы", reverse("roadmaps:plan_list")))
        items.append(("Приказы", reverse("reports:order_list")))
    if user.is_superuser:
        items.append(("Администрирование", reverse("admin:index")))
    current = request.path
    # «Контроль исполнения» lives at the root of /execution/, a prefix of every execution page; the
    # overview sits at the root of /overview/, a prefix of «Работает ли план».
    exact = {reverse("home"), reverse("monitoring:dashboard"), reverse("overview:municipal")}

    def entry(label, url):
        return {"label": label, "url": url, "active": url == current or (url not in exact and current.startswith(url))}

    nav = []
    for label, target in items:
        if isinstance(target, list):
            children = [entry(*child) for child in target]
            nav.append({"label": label, "children": children, "active": any(c["active"] for c in children)})
        else:
            nav.append(entry(label, target))
    return {"nav_items": nav, "role_label": user.get_role_display() if user.role else ("Администратор" if user.is_superuser else "")}
