import datetime
from decimal import Decimal

import factory

from accounts.models import Person, Role, User
from monitoring.models import ControlPoint, ExamResult, ReferenceResult
from reports.models import Order
from roadmaps.models import Activity, ActivityExecutor, Plan, PlanSection
from schools.models import CuratorAssignment, Municipality, Region, School, SchoolList, SchoolListEntry


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Область {n}")


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    region = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"Муниципальный район {n}")
    authority_name = factory.LazyAttribute(lambda o: f"Комитет образования: {o.name}")
    authority_header = "КОМИТЕТ ОБРАЗОВАНИЯ"
    time_zone = "Asia/Omsk"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    municipality = factory.SubFactory(MunicipalityFactory)
    last_name = factory.Sequence(lambda n: f"Иванова{n}")
    first_name = "Анна"
    middle_name = "Петровна"


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    municipality = factory.SubFactory(MunicipalityFactory)
    short_name = factory.Sequence(lambda n: f"БОУ «Школа № {n}»")
    full_name = factory.LazyAttribute(lambda o: f"Бюджетное общеобразовательное учреждение {o.short_name}")
    kind = School.Kind.SECONDARY
    locality = School.Locality.RURAL


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.COORDINATOR
    municipality = factory.SubFactory(MunicipalityFactory)
    password = factory.PostGenerationMethodCall("set_password", "demo")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CuratorAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CuratorAssignment

    school = factory.SubFactory(SchoolFactory)
    curator = factory.SubFactory(PersonFactory, municipality=factory.SelfAttribute("..school.municipality"))


class SchoolListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolList

    municipality = factory.SubFactory(MunicipalityFactory)
    year = 2022
    category = SchoolList.Category.SHNOR


class SchoolListEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolListEntry

    school_list = factory.SubFactory(SchoolListFactory)
    school = factory.SubFactory(SchoolFactory, municipality=factory.SelfAttribute("..school_list.municipality"))


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    municipality = factory.SubFactory(MunicipalityFactory)
    title = factory.Sequence(lambda n: f"Дорожная карта {n}")
    status = Plan.Status.APPROVED
    period_start = datetime.date(2025, 1, 1)
    period_end = datetime.date(2025, 12, 31)


class PlanSectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanSection

    plan = factory.SubFactory(PlanFactory)
    position = factory.Sequence(lambda n: n + 1)
    number = factory.Sequence(lambda n: f"{n + 1}.")
    title = "Мероприятия по повышению образовательных результатов"


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    section = factory.SubFactory(PlanSectionFactory)
    position = factory.Sequence(lambda n: n + 1)
    number = factory.Sequence(lambda n: f"1.{n + 1}")
    content = "Мониторинг текущей успеваемости по предметам, входящим в ГИА"
    deadline_text = "Ежеквартально, не позднее 25 числа последнего месяца квартала"
    executors_text = "Руководители ШНОР, кураторы"
    expected_result = "Получены данные динамики образовательных результатов (аналитическая справка)"


class ControlPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ControlPoint

    activity = factory.SubFactory(ActivityFactory)
    municipality = factory.LazyAttribute(lambda o: o.activity.section.plan.municipality)
    school = None
    due_date = datetime.date(2025, 3, 25)


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    municipality = factory.SubFactory(MunicipalityFactory)
    header = "КОМИТЕТ ОБРАЗОВАНИЯ"
    title = "Об утверждении дорожной карты"
    signatory_position = "Председатель Комитета"
    signatory_name = "Т.И. Буц"


class ExamResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExamResult

    school = factory.SubFactory(SchoolFactory)
    procedure = "ege"
    subject = "Русский язык"
    grade = 11
    year = 2023
    average_score = Decimal("60.5")


class ReferenceResultFactory(factory.django.DjangoModelFactory):
    """A regional average as a municipality quotes it; for a municipal one pass level="municipality", region=None."""

    class Meta:
        model = ReferenceResult

    level = "region"
    municipality = factory.SubFactory(MunicipalityFactory)
    region = factory.LazyAttribute(lambda o: o.municipality.region)
    procedure = "ege"
    subject = "Русский язык"
    grade = 11
    year = 2023
    average_score = Decimal("65.0")


def school_row(section, number, content, deadline, position):
    """A plan row for every school of the plan, carried out by the schools' heads."""
    activity = Activity.objects.create(
        section=section, position=position, number=number, content=content, deadline_text=deadline,
        executors_text="Руководители ШНОР", scope=Activity.Scope.ALL_SCHOOLS,
    )
    ActivityExecutor.objects.create(activity=activity, position=1, level="school", kind="role", name="Руководители ШНОР")
    return activity
