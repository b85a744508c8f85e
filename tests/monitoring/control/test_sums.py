"""`Sums.merge`: the rows of both sides added, neither side changed, only the tables asked for."""

from monitoring.control.dashboard import Sums

KEYS = ["total", "done"]


def _sums(school, activity, plan, section, total, done, executor=None):
    sums = Sums(KEYS)
    sums.add(
        {
            "school_id": school, "activity_id": activity, "activity__section_id": section,
            "activity__section__plan_id": plan, "regional": False, "total": total, "done": done,
        }
    )
    if executor:
        sums.per_executor = {executor: {"total": total, "done": done}}
    return sums


def test_a_merge_adds_the_rows_and_leaves_both_sides_as_they_were():
    a = _sums(1, 10, 100, 7, total=3, done=1, executor="Отдел образования")
    b = _sums(None, 10, 100, 7, total=2, done=2, executor="Отдел образования")
    before = (repr(a), repr(b))
    total = Sums(KEYS)
    total.merge(a)
    total.merge(b)
    assert total.totals == {"total": 5, "done": 3}
    assert total.per_section[7] == total.per_plan[100] == {"total": 5, "done": 3}
    assert total.per_school == {1: {"total": 3, "done": 1}, None: {"total": 2, "done": 2}}
    assert total.per_municipal_activity == {10: {"total": 2, "done": 2}}
    assert total.per_executor == {"Отдел образования": {"total": 5, "done": 3}}
    total.merge(_sums(2, 10, 100, 7, total=1, done=0))
    assert total.per_section[7] == {"total": 6, "done": 3}
    assert total.per_school[2] == {"total": 1, "done": 0}
    assert (repr(a), repr(b)) == before


def test_a_merge_copies_only_the_tables_asked_for():
    total = Sums(KEYS)
    total.merge(_sums(1, 10, 100, 7, total=3, done=1, executor="Отдел образования"), ("per_plan",))
    assert total.totals == {"total": 3, "done": 1}
    assert total.per_plan == {100: {"total": 3, "done": 1}}
    assert total.per_school == total.per_section == {}
    assert total.per_executor is None


def test_a_merge_shares_the_rows_one_side_has_and_keeps_the_order_of_the_keys():
    a = _sums(1, 10, 100, 7, total=3, done=1)
    b = _sums(2, 11, 100, 8, total=2, done=2)
    total = Sums(KEYS)
    total.merge(a)
    total.merge(b)
    assert total.per_school[1] is a.per_school[1] and total.per_school[2] is b.per_school[2]
    assert list(total.per_section) == [7, 8]
    assert total.per_plan[100] == {"total": 5, "done": 3}
    assert total.per_plan[100] is not a.per_plan[100] and a.per_plan[100] == {"total": 3, "done": 1}
