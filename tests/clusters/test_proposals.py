"""The cluster proposal on the Omsk document (000_b4835e37d9334ce8.txt) and on edge cases."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from clusters.models import Cluster
from clusters.proposals import (
    FIRST_TIME,
    POSITIVE_DYNAMICS,
    REPEATED,
    RISK_ZONE,
    ListEntryFact,
    SchoolFacts,
    propose,
    years_word,
)
from schnor_portal.demo.loader import load_demo

# Where the document puts each school (its «4 кластера» table); the rest are in no cluster.
DOCUMENT_CLUSTERS = {
    "БОУ «Хлебодаровская СОШ»": 1,
    "БОУ «Русскополянская гимназия №1»": 2,
    "БОУ «Цветочинская СОШ»": 2,
    "БОУ «Добровольская СОШ»": 3,
    "БОУ «Русскополянская школа №2»": 3,
    "БОУ «Калининская СОШ»": 3,
    "БОУ «Целинная СОШ»": 3,
    "БОУ «Розовская СОШ»": 3,
    "БОУ «Волотовская ООШ»": 4,
    "БОУ «Русскополянская СОШ №3»": 4,
}
# The wording of the document's cluster definitions that each reason must carry.
DOCUMENT_WORDING = {
    1: "демонстрирует положительную динамику образовательных результатов",
    2: "впервые показала низкие образовательные результаты и вошла в список ШНОР",
    3: "повторно включена в список ШНОР",
    4: "функционирует в зоне риска снижения образовательных результатов",
}


def run_command(*args):
    out = StringIO()
    call_command("propose_clusters", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(db):
    load_demo()


@pytest.mark.parametrize("year", ["2023", "2022"])
def test_it_proposes_the_documents_clusters_for_omsk(demo, year):
    rows = json.loads(run_command("--municipality", "Русско-Полянский", "--year", year, "--json"))
    assert {row["school"]: row["cluster"] for row in rows} == DOCUMENT_CLUSTERS
    for row in rows:
        assert DOCUMENT_WORDING[row["cluster"]] in row["reason"], row


def test_it_explains_the_facts_behind_each_reason(demo):
    rows = {r["school"]: r["reason"] for r in json.loads(run_command("--municipality", "Русско", "--year", "2023", "--json"))}
    assert "ПРШ 2020, ПРШ 2021, ПРШ 2022 — три года подряд" in rows["БОУ «Калининская СОШ»"]
    assert "умеренно неуспевающие, ↑ положительная динамика" in rows["БОУ «Калининская СОШ»"]
    assert "признаки необъективности" in rows["БОУ «Русскополянская школа №2»"]
    assert "Зона риска 2022" in rows["БОУ «Волотовская ООШ»"]


def test_it_leaves_out_schools_with_the_same_history_but_no_risk_zone(demo):
    text = run_command("--municipality", "Русско-Полянский", "--year", "2023")
    assert "без кластера  БОУ «Алаботинская СОШ»" in text
    assert "без кластера  БОУ «Бас-Агашская ООШ»" in text


def test_it_numbers_clusters_as_the_plan_does(demo):
    Cluster.objects.filter(plan__municipality__name__startswith="Русско", number=4).update(number=7)
    rows = json.loads(run_command("--municipality", "Русско", "--year", "2023", "--json"))
    assert {r["cluster"] for r in rows if r["school"] == "БОУ «Волотовская ООШ»"} == {7}


def test_it_refuses_an_ambiguous_or_unknown_municipality(demo):
    with pytest.raises(CommandError, match="нескольким муниципалитетам"):
        run_command("--municipality", "муниципальный", "--year", "2023", "--json")
    with pytest.raises(CommandError, match="не найден"):
        run_command("--municipality", "Тьмутаракань", "--year", "2023", "--json")


def test_it_says_when_there_is_no_list_yet(demo):
    with pytest.raises(CommandError, match="нет списка ШНОР за 2019"):
        run_command("--municipality", "Русско", "--year", "2019", "--json")


def school(name, *years, risk=(), **latest):
    entries = tuple(ListEntryFact(year=y, title=f"ШНОР {y}", **(latest if y == max(years) else {})) for y in years)
    return SchoolFacts(school_id=hash(name) % 10_000, name=name, on_list=entries, risk_zone_years=frozenset(risk))


def test_it_applies_only_the_rules_the_coordinator_chose():
    facts = [school("А", 2022), school("Б", 2021, 2022), school("В", 2021), school("Г", 2020, risk=[2022])]
    chosen = {p.name: p.rule for p in propose(facts, list_year=2022, rules=[REPEATED, RISK_ZONE])}
    assert chosen == {"А": None, "Б": REPEATED, "В": None, "Г": RISK_ZONE}
    every = {p.name: p.rule for p in propose(facts, list_year=2022)}
    assert every == {"А": FIRST_TIME, "Б": REPEATED, "В": POSITIVE_DYNAMICS, "Г": RISK_ZONE}


def test_it_ignores_lists_after_the_year():
    [proposal] = propose([school("А", 2022, 2023)], list_year=2022)
    assert proposal.rule == FIRST_TIME


@pytest.mark.parametrize(("n", "text"), [(1, "1 год"), (2, "2 года"), (5, "5 лет"), (11, "11 лет"), (21, "21 год"), (22, "22 года")])
def test_it_says_years_in_russian(n, text):
    assert years_word(n) == text
