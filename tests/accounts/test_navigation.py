import pytest
from django.test import RequestFactory
from django.urls import reverse

from accounts.context_processors import navigation


def _labels(nav):
    flat = []
    for item in nav:
        flat.append(item["label"])
        flat.extend(child["label"] for child in item.get("children", []))
    return flat


def _nav(user, path="/"):
    request = RequestFactory().get(path)
    request.user = user
    return navigation(request)["nav_items"]


@pytest.mark.django_db
def test_overseers_find_the_results_and_overview_under_one_menu(cast):
    nav = _nav(cast.chair, reverse("overview:plan_effect"))
    summary = next(item for item in nav if item["label"] == "Итоги")
    assert [c["label"] for c in summary["children"]] == ["Обзор муниципалитета", "Работает ли план", "Результаты ОГЭ, ЕГЭ, ВПР"]
    # Only the page shown is active, though /overview/ is a prefix of «Работает ли план».
    assert [c["active"] for c in summary["children"]] == [False, True, False]
    assert summary["active"] is True


@pytest.mark.django_db
def test_each_role_sees_only_the_menus_it_may_open(cast):
    director = _nav(cast.director_a)
    assert "Итоги" not in _labels(director) and "Моя школа" in _labels(director)
    results = next(item for item in director if item["label"] == "Результаты")
    assert results["url"] == reverse("results:school_results", args=[cast.director_a.school_id])
    curator = _labels(_nav(cast.curator))
    assert "Результаты" in curator and "Итоги" not in curator and "Контроль" not in curator
    assert "Реестр контрольных точек" in _labels(_nav(cast.coordinator))
