"""The region and its people: municipalities, schools and their years, yearly lists, accounts of every role.

Written through the ORM with `bulk_create_with_history`: a few thousand rows, each with the
history record the portal keeps for it.
"""

import datetime
import math
from dataclasses import dataclass, field

from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import Person, PersonRole, Role, User
from schools.models import (
    CuratorAssignment,
    Level,
    Municipality,
    Region,
    School,
    SchoolList,
    SchoolListEntry,
    SchoolYearData,
    SocialPassport,
)

from .names import MUNICIPALITY_ROOTS, SETTLEMENTS, person_name
from .spec import TIME_ZONE, SeedSpec

SEED_REGION_NAME = "Сводная область (нагрузочные данные)"
LEGAL_FORMS = (
    ("МБОУ", "Муниципальное бюджетное общеобразовательное учреждение"),
    ("МКОУ", "Муниципальное казённое общеобразовательное учреждение"),
)
MARKERS = (
    "низкие результаты ОГЭ по математике",
    "низкие результаты ОГЭ по русскому языку",
    "низкие результаты ЕГЭ по русскому языку",
    "доля обучающихся, не получивших аттестат, выше региональной",
    "низкие результаты ВПР два года подряд",
    "признаки необъективности результатов ВПР",
)


@dataclass
class MunicipalityCast:
    """One generated municipality with everything later steps hang their rows on."""

    index: int
    municipality: Municipality
    schools: list = field(default_factory=list)
    lists: dict = field(default_factory=dict)  # (year, category) → [school ids]
    trends: dict = field(default_factory=dict)  # school id → trend on the latest ШНОР list
    coordinator: User | None = None
    chair: User | None = None
    curators: list = field(default_factory=list)
    curator_of: dict = field(default_factory=dict)  # school id → the curator's account today
    director_of: dict = field(default_factory=dict)  # school id → the director's account
    specialists: list = field(default_factory=list)
    region_viewer: User | None = None  # reports the region body's own points of this municipality's plan

    @property
    def latest_listed(self) -> list[int]:
        return self.lists.get((max(y for y, _ in self.lists), SchoolList.Category.SHNOR), []) if self.lists else []

    @property
    def latest_risk(self) -> list[int]:
        return self.lists.get((max(y for y, _ in self.lists), SchoolList.Category.RISK_ZONE), []) if self.lists else []


def _municipality_name(index: int) -> tuple[str, str]:
    root, genitive = MUNICIPALITY_ROOTS[index % len(MUNICIPALITY_ROOTS)]
    lap = index // len(MUNICIPALITY_ROOTS)
    if lap:
        root, genitive = f"{root}-{lap + 1}", f"{genitive}-{lap + 1}"
    return f"{root} муниципальный район", genitive


def region_create(spec: SeedSpec) -> tuple[Region, list[MunicipalityCast]]:
    region = Region(name=SEED_REGION_NAME)
    bulk_create_with_history([region], Region, default_date=spec.approved_at)
    municipalities = []
    for index in range(spec.municipalities):
        name, genitive = _municipality_name(index)
        municipalities.append(
            Municipality(
                region=region,
                name=name,
                authority_name=f"Комитет по образованию Администрации {genitive} муниципального района",
                authority_header="\n".join(
                    ["КОМИТЕТ ПО ОБРАЗОВАНИЮ", "АДМИНИСТРАЦИИ", f"{genitive.upper()} МУНИЦИПАЛЬНОГО РАЙОНА"]
                ),
                place=f"р.п. {SETTLEMENTS[index % len(SETTLEMENTS)][0]}",
                head_position="Председатель Комитета по образованию",
                time_zone=TIME_ZONE,
                list_label="ШНОР",
            )
        )
    bulk_create_with_history(municipalities, Municipality, default_date=spec.approved_at)
    return region, [MunicipalityCast(index=i, municipality=m) for i, m in enumerate(municipalities)]


# --- schools --------------------------------------------------------------------------------

def _school_rows(spec: SeedSpec, cast: MunicipalityCast) -> list[School]:
    rng = spec.rng("schools", cast.index)
    municipality = cast.municipality
    urban = max(1, spec.schools // 6)
    settlements = rng.sample(SETTLEMENTS, min(len(SETTLEMENTS), spec.schools))
    schools = []
    for n in range(spec.schools):
        short_form, long_form = rng.choice(LEGAL_FORMS)
        if n < urban:
            kind = School.Kind.GYMNASIUM if n == 0 and spec.schools >= 3 else School.Kind.SECONDARY
            label = "Гимназия № 1" if kind == School.Kind.GYMNASIUM else f"СОШ № {n + 1}"
            long_label = "Гимназия № 1" if kind == School.Kind.GYMNASIUM else f"Средняя общеобразовательная школа № {n + 1}"
            settlement, locality, distance = municipality.place, School.Locality.URBAN, rng.randint(60, 240)
        else:
            town, adjective = settlements[n % len(settlements)]
            lap = n // len(settlements)
            suffix = f" № {lap + 1}" if lap else ""
            basic = rng.random() < 0.35
            kind = School.Kind.BASIC if basic else School.Kind.SECONDARY
            label = f"{adjective} {'ООШ' if basic else 'СОШ'}{suffix}"
            long_label = f"{adjective} {'основная' if basic else 'средняя'} общеобразовательная школа{suffix}"
            settlement, locality, distance = f"с. {town}", School.Locality.RURAL, rng.randint(70, 320)
        schools.append(
            School(
                municipality=municipality,
                full_name=f"{long_form} «{long_label}»",
                short_name=f"{short_form} «{label}»",
                abbreviation=label,
                kind=kind,
                locality=locality,
                is_small=locality == School.Locality.RURAL and rng.random() < 0.4,
                settlement=settlement,
                distance_to_centre_km=distance,
                address=f"{settlement}, ул. Школьная, д. {rng.randint(1, 40)}",
                phone=f"8 (3812) {rng.randint(20, 79)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}",
            )
        )
    return schools


def _year_rows(spec: SeedSpec, school: School, listed_years: set[int]) -> tuple[list, SocialPassport]:
    rng = spec.rng("year-data", school.municipality.name, school.short_name)
    base = rng.randint(450, 1100) if school.locality == School.Locality.URBAN else rng.randint(35, 420)
    rows = []
    for year in spec.list_years:
        total = max(12, base + rng.randint(-25, 25))
        pedagogues = max(4, total // rng.randint(11, 16))
        teachers = max(3, pedagogues - rng.randint(1, 4))
        highest = teachers * rng.randint(10, 35) // 100
        first = teachers * rng.randint(20, 45) // 100
        conformity = (teachers - highest - first) // 2
        on_list = year in listed_years
        rows.append(
            SchoolYearData(
                school=school,
                year=year,
                pupils_total=total,
                pupils_grade9=max(1, total // rng.randint(10, 13)),
                pupils_grade11=0 if school.kind == School.Kind.BASIC else max(1, total // rng.randint(18, 26)),
                pupils_transported=rng.randint(0, total // 4) if school.locality == School.Locality.RURAL else 0,
                pedagogues_total=pedagogues,
                teachers_total=teachers,
                category_highest=highest,
                category_first=first,
                category_conformity=conformity,
                category_none=teachers - highest - first - conformity,
                deficit_staff=rng.choice((Level.HIGH, Level.MEDIUM)) if on_list else rng.choice((Level.MEDIUM, Level.LOW)),
                deficit_infrastructure=rng.choice(Level.values),
                deficit_transport=(
                    rng.choice((Level.HIGH, Level.MEDIUM)) if school.locality == School.Locality.RURAL else Level.LOW
                ),
                is_resilient=not on_list and rng.random() < 0.1,
            )
        )
    latest = rows[-1]
    children = latest.pupils_total
    passport = SocialPassport(
        school=school,
        year=latest.year,
        children_total=children,
        large_families=children * rng.randint(8, 25) // 100,
        single_parent=children * rng.randint(10, 30) // 100,
        low_income=children * rng.randint(10, 40) // 100,
        dysfunctional=rng.randint(0, 6),
        school_register=rng.randint(0, 5),
        guardianship=rng.randint(0, 8),
        disabilities=rng.randint(0, children // 10 + 1),
        other_native_language=rng.randint(0, children // 20 + 1),
    )
    return rows, passport


def _lists_for(spec: SeedSpec, cast: MunicipalityCast):
    """Which schools were on which list each year: a third on ШНОР, churning year to year."""
    rng = spec.rng("lists", cast.index)
    ids = [s.pk for s in cast.schools if s.kind != School.Kind.GYMNASIUM] or [s.pk for s in cast.schools]
    size = max(1, round(spec.schools / 3)) if spec.schools else 0
    size = min(size, len(ids))
    risk_size = max(1, spec.schools // 10)
    listed: list[int] = []
    for year in spec.list_years:
        kept = [pk for pk in listed if rng.random() < 0.7]
        fresh = [pk for pk in ids if pk not in kept]
        rng.shuffle(fresh)
        listed = sorted(kept + fresh[: size - len(kept)])
        others = [s.pk for s in cast.schools if s.pk not in listed]
        risk = sorted(rng.sample(others, min(risk_size, len(others))))
        cast.lists[(year, SchoolList.Category.SHNOR)] = listed
        cast.lists[(year, SchoolList.Category.RISK_ZONE)] = risk
    previous = cast.lists.get((spec.list_years[-2], SchoolList.Category.SHNOR), []) if len(spec.list_years) > 1 else []
    for pk in cast.latest_listed:
        if pk in previous:
            cast.trends[pk] = rng.choice((SchoolListEntry.Trend.UP, SchoolListEntry.Trend.DOWN, SchoolListEntry.Trend.STABLE))


def schools_create(spec: SeedSpec, casts: list[MunicipalityCast]):
    schools = [school for cast in casts for school in _school_rows(spec, cast)]
    bulk_create_with_history(schools, School, batch_size=500, default_date=spec.approved_at)
    by_municipality = {}
    for school in schools:
        by_municipality.setdefault(school.municipality_id, []).append(school)
    lists, entries, year_rows, passports = [], [], [], []
    for cast in casts:
        cast.schools = by_municipality.get(cast.municipality.pk, [])
        _lists_for(spec, cast)
        rng = spec.rng("list-entries", cast.index)
        for (year, category), school_ids in cast.lists.items():
            label = "ШНОР" if category == SchoolList.Category.SHNOR else "Зона риска"
            school_list = SchoolList(
                municipality=cast.municipality,
                year=year,
                category=category,
                title=f"{label} {year}",
                source=f"Приказ Комитета по образованию от 15.02.{year} № {rng.randint(20, 180)}",
            )
            lists.append(school_list)
            for pk in school_ids:
                markers = rng.sample(MARKERS, rng.randint(1, 2))
                entries.append(
                    (
                        school_list,
                        SchoolListEntry(
                            school_id=pk,
                            markers="\n".join(markers),
                            fioko_cluster=(
                                rng.choice(SchoolListEntry.FiokoCluster.values) if category == SchoolList.Category.SHNOR else ""
                            ),
                            trend=cast.trends.get(pk, "") if year == spec.list_years[-1] else "",
                            objectivity_issue="необъективности" in " ".join(markers),
                        ),
                    )
                )
        for school in cast.schools:
            on_years = {y for (y, c), ids in cast.lists.items() if c == SchoolList.Category.SHNOR and school.pk in ids}
            rows, passport = _year_rows(spec, school, on_years)
            year_rows.extend(rows)
            passports.append(passport)
    bulk_create_with_history(lists, SchoolList, batch_size=500, default_date=spec.approved_at)
    for school_list, entry in entries:
        entry.school_list = school_list
    bulk_create_with_history([e for _, e in entries], SchoolListEntry, batch_size=1000, default_date=spec.approved_at)
    bulk_create_with_history(year_rows, SchoolYearData, batch_size=1000, default_date=spec.approved_at)
    bulk_create_with_history(passports, SocialPassport, batch_size=1000, default_date=spec.approved_at)


# --- people and accounts ----------------------------------------------------------------------

def username(spec: SeedSpec, number: int, role: str) -> str:
    """«m07_curator2»: the municipality's number (from 1; 0 for the region) and the role."""
    return f"m{number:0{spec.username_width}d}_{role}"


def people_create(spec: SeedSpec, region: Region, casts: list[MunicipalityCast]):
    """People of every role with their accounts (one password hash for all), and curators' schools."""
    people, roles, users = [], [], []
    for cast in casts:
        rng = spec.rng("people", cast.index)
        authority = cast.municipality.authority_name

        def person(position, organisation, kinds, school=None):
            last, first, middle = person_name(rng)
            p = Person(
                municipality=cast.municipality, last_name=last, first_name=first, middle_name=middle,
                position=position, organisation=organisation, school=school,
            )
            people.append(p)
            roles.extend((p, kind) for kind in kinds)
            return p

        def account(username, role, p, school=None):
            u = User(
                username=username, password=spec.password_hash, role=role, municipality=cast.municipality,
                person=p, school=school, first_name=p.first_name, last_name=p.last_name,
                email=f"{username}@schnor.example", date_joined=spec.approved_at,
            )
            users.append(u)
            return u

        coordinator = person("Главный специалист, муниципальный координатор", authority, [PersonRole.Kind.COORDINATOR])
        cast.coordinator = account(username(spec, cast.index + 1, "coordinator"), Role.COORDINATOR, coordinator)
        chair = person("Председатель Комитета по образованию", authority, [PersonRole.Kind.CHAIR])
        cast.chair = account(username(spec, cast.index + 1, "chair"), Role.CHAIR, chair)
        cast.municipality.head = chair
        curated = len(set(cast.latest_listed) | set(cast.latest_risk))
        for n in range(max(1, math.ceil(curated / 3))):
            p = person("Методист", "МКУ «Информационно-методический центр»", [PersonRole.Kind.CURATOR, PersonRole.Kind.METHODIST])
            cast.curators.append(account(username(spec, cast.index + 1, f"curator{n + 1}"), Role.CURATOR, p))
        for n, school in enumerate(cast.schools, start=1):
            p = person("Директор", school.short_name, [PersonRole.Kind.DIRECTOR], school=school)
            school.director = p
            cast.director_of[school.pk] = account(
                username(spec, cast.index + 1, f"director{n:02d}"), Role.DIRECTOR, p, school=school
            )
        cast.specialists = [
            person("Ведущий специалист отдела общего образования", authority, [PersonRole.Kind.SPECIALIST]),
            person("Специалист по контролю исполнения", authority, [PersonRole.Kind.CONTROLLER]),
        ]
    bulk_create_with_history(people, Person, batch_size=1000, default_date=spec.approved_at)
    bulk_create_with_history(
        [PersonRole(person=p, kind=kind) for p, kind in roles], PersonRole, batch_size=1000, default_date=spec.approved_at
    )
    for u in users:
        u.person_id = u.person.pk
    viewer = User(
        username=username(spec, 0, "region"), password=spec.password_hash, role=Role.REGION,
        region=region, first_name="Наблюдатель", last_name="Региональный", email="region@schnor.example",
        date_joined=spec.approved_at,
    )
    users.append(viewer)
    for cast in casts:
        cast.region_viewer = viewer
    bulk_create_with_history(users, User, batch_size=1000, default_date=spec.approved_at)
    schools = [s for cast in casts for s in cast.schools]
    for school in schools:
        school.director_id = school.director.pk
    bulk_update_with_history(schools, School, ["director"], batch_size=1000, default_date=spec.approved_at)
    municipalities = [cast.municipality for cast in casts]
    for m in municipalities:
        m.head_id = m.head.pk
    bulk_update_with_history(municipalities, Municipality, ["head"], batch_size=500, default_date=spec.approved_at)
    _assignments_create(spec, casts)


def _assignments_create(spec: SeedSpec, casts: list[MunicipalityCast]):
    """Each curated school has one curator today; some had another before, whose assignment ended."""
    rows = []
    start = spec.plan_start - datetime.timedelta(days=10)
    for cast in casts:
        rng = spec.rng("assignments", cast.index)
        curated = sorted(set(cast.latest_listed) | set(cast.latest_risk))
        for n, school_id in enumerate(curated):
            curator = cast.curators[n % len(cast.curators)]
            cast.curator_of[school_id] = curator
            rows.append(CuratorAssignment(school_id=school_id, curator=curator.person, start_date=start))
            if len(cast.curators) > 1 and rng.random() < 0.2:
                before = cast.curators[(n + 1) % len(cast.curators)]
                rows.append(
                    CuratorAssignment(
                        school_id=school_id,
                        curator=before.person,
                        start_date=start - datetime.timedelta(days=730),
                        end_date=start - datetime.timedelta(days=1),
                    )
                )
    bulk_create_with_history(rows, CuratorAssignment, batch_size=1000, default_date=spec.approved_at)
