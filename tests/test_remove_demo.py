"""`manage.py remove_demo`: removes everything load_demo created — the three demo municipalities
with all their data, the demo accounts, the regions left empty — and nothing else; refuses without
--yes; says what it removed; a second run removes nothing."""

import io

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from accounts.models import Role, User
from schnor_portal.demo.loader import load_demo
from schnor_portal.management.commands.remove_demo import demo_names
from schools.models import Municipality, Region, School

from . import factories as f


def _counts():
    """Rows of every table, history included: what the demo adds must all go, to the row."""
    return {model._meta.label: model._base_manager.count() for model in apps.get_models()}


@pytest.fixture
def real(db):
    """A real municipality in one of the demo regions, another elsewhere, and the admin: they stay."""
    omsk = Region.objects.create(name="Омская область")
    tara = f.MunicipalityFactory(name="Тарский муниципальный район", region=omsk)
    kazan = f.MunicipalityFactory(name="Казань")
    school = f.SchoolFactory(municipality=tara, short_name="БОУ «Тарская СОШ № 1»")
    person = f.PersonFactory(municipality=tara, last_name="Настоящая")
    plan = f.PlanFactory(municipality=tara)
    point = f.ControlPointFactory(activity=f.ActivityFactory(section=f.PlanSectionFactory(plan=plan)), school=school)
    coordinator = f.UserFactory(username="tara_coord", role=Role.COORDINATOR, municipality=tara)
    admin = User.objects.create_superuser("admin", "admin@example.ru", "x")
    # A region set up before its municipalities: its observer is real, the region stays.
    primorye = Region.objects.create(name="Приморский край")
    observer = User.objects.create_user("primorye_observer", role=Role.REGION, region=primorye)
    return {"tara": tara, "kazan": kazan, "school": school, "person": person, "plan": plan, "point": point,
            "coordinator": coordinator, "admin": admin, "omsk": omsk, "primorye": primorye, "observer": observer}


def run(*args):
    out = io.StringIO()
    call_command("remove_demo", *args, stdout=out)
    return out.getvalue()


def test_it_refuses_without_yes_and_removes_nothing(real):
    load_demo()
    before = _counts()
    with pytest.raises(CommandError, match="--yes"):
        run()
    assert _counts() == before


def test_it_removes_all_the_demo_and_nothing_else_and_is_idempotent(real):
    untouched = _counts()
    load_demo()
    names, _, usernames = demo_names()
    assert Municipality.objects.filter(name__in=names).count() == 3

    out = run("--yes")
    assert "Удалено:" in out
    for name in names:
        assert name in out
    for username in ("coordinator", "director_ugl", "chair_yak"):
        assert username in out
    assert "общеобразовательные организации —" in out and "Сахалинская область" in out

    # Every table is back to what it held before load_demo: the demo, its history and accounts gone.
    assert _counts() == untouched
    assert not User.objects.filter(username__in=usernames).exists()
    # The real municipality in a demo region keeps the region; its data and accounts stay.
    assert Region.objects.filter(pk=real["omsk"].pk).exists()
    assert set(Region.objects.values_list("name", flat=True)) >= {"Омская область"}
    assert not Region.objects.filter(name="Сахалинская область").exists()
    for key in ("tara", "kazan", "school", "person", "plan", "point", "coordinator", "admin", "primorye", "observer"):
        obj = real[key]
        assert type(obj)._base_manager.filter(pk=obj.pk).exists(), key
    kept = next(line for line in out.splitlines() if line.startswith("Оставлены регионы"))
    assert "Омская область" in kept and "Приморский край" in kept and "Сахалинская область" not in kept

    again = run("--yes")
    assert "Демонстрационных данных нет: удалять нечего." in again
    assert _counts() == untouched


def test_with_nothing_loaded_it_says_so(real):
    before = _counts()
    assert "удалять нечего" in run()
    assert _counts() == before


def test_demo_data_can_be_loaded_again_after_removal(real):
    load_demo()
    run("--yes")
    load_demo()
    names, _, _ = demo_names()
    assert School.objects.filter(municipality__name__in=names).exists()
    assert User.objects.filter(username="coordinator").exists()
