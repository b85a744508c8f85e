"""List history derived per year, on the +/− rows of 000_b4835e37d9334ce8.txt."""

import pytest

from schools.lists.history import list_history

YEARS = [2020, 2021, 2022]


def row(statuses):
    return [(s.year, s.on_list, s.first_time, s.years_in_row, s.left, s.came_back) for s in statuses]


@pytest.mark.parametrize(
    ("school", "on_years", "expected"),
    [
        ("Калининская (+ + +)", {2020, 2021, 2022}, [
            (2020, True, True, 1, False, False), (2021, True, False, 2, False, False), (2022, True, False, 3, False, False)]),
        ("Добровольская (+ − +)", {2020, 2022}, [
            (2020, True, True, 1, False, False), (2021, False, False, 0, True, False), (2022, True, False, 1, False, True)]),
        ("Хлебодаровская (+ + −)", {2020, 2021}, [
            (2020, True, True, 1, False, False), (2021, True, False, 2, False, False), (2022, False, False, 0, True, False)]),
        ("Цветочинская (− − +)", {2022}, [
            (2020, False, False, 0, False, False), (2021, False, False, 0, False, False), (2022, True, True, 1, False, False)]),
        ("Сибирская (− − −)", set(), [
            (2020, False, False, 0, False, False), (2021, False, False, 0, False, False), (2022, False, False, 0, False, False)]),
    ],
)
def test_it_derives_each_year(school, on_years, expected):
    assert row(list_history(on_years, YEARS)) == expected, school


def test_it_counts_a_run_that_began_before_the_years_shown():
    statuses = list_history({2019, 2020, 2021}, [2020, 2021, 2022])
    assert [s.years_in_row for s in statuses] == [2, 3, 0]
    assert not statuses[0].first_time
    assert statuses[2].left


def test_it_labels_statuses_in_russian():
    labels = [s.label for s in list_history({2020, 2022, 2023}, [2020, 2021, 2022, 2023])]
    assert labels == ["впервые", "вышла", "вернулась", "2-й год подряд"]


def test_it_handles_no_years():
    assert list_history({2020}, []) == []
