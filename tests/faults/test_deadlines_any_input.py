"""The deadline engine under hypothesis: any text, any period → a Deadline, never an exception.

`parse_deadline` promises «never raise» and keeps the promise with a last-resort `except`; that
net would hide a real bug as «unknown». So the grammar itself (`_parse`) is driven here too and
must not raise either: a crash it finds is fixed in roadmaps/deadlines.py and pinned as an example.
"""

from datetime import date, datetime

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from roadmaps import deadlines
from roadmaps.deadlines import KINDS, Deadline, parse_deadline

# Pieces of real plan deadlines and their usual damage: the search spends its time where the grammar is.
WORDS = [
    "до", "с", "со", "по", "к", "не позднее", "не позже", "начиная с", "после", "конца", "конец", "года", "г.", "гг.",
    "году", "учебного", "учебный год", "2022", "2023", "2024", "2025", "1900", "2199", "0000", "9999", "99999",
    "31.02.2023", "29.02.2024", "29.02.2023", "00.00.0000", "12.13.2020", "9999-12-31", "0001-01-01", "2023-02-30",
    "10.01", "31.12", "31.12.99", "01.01.00", "29 февраля", "31 апреля", "32 января", "0 мая", "1", "15", "25 числа",
    "31 числа", "0 числа", "99 числа", "следующего", "месяца", "квартала", "-", "–", "—", "/", ",", ";", "и", "или",
    "(", ")", "январь", "марта", "май", "мая", "декабрь", "сент.", "нояб", "I", "II", "IV", "V", "iv", "квартал",
    "кв.", "полугодие", "2-е полугодие", "четверть", "1-я четверть", "ежеквартально", "раз в четверть",
    "ежемесячно", "ежегодно", "2 раза в год", "в течение года", "в течение 2024 года", "постоянно", "по графику",
    "по плану школы", "по запросу", "по мере необходимости", "в рамках", "2023/2024", "2023-2024", "2024, 2025",
    "2-е", "iii-iv", "1-й", "первое", "третий", "ё", "Ω", "😀", "\x00", "\u00a0", "\u2013", "\t\n", " ",
]
phrases = st.one_of(
    st.text(max_size=80),
    st.lists(st.sampled_from(WORDS), max_size=12).map(" ".join),
    st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=4)), max_size=10).map("".join),
)
days = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
# Plans run for one to a few years; the search also tries the absurd ends of the calendar.
realistic_starts = st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31))
quarters = st.one_of(
    st.none(),
    st.lists(
        st.tuples(st.tuples(st.integers(-2, 14), st.integers(-2, 33)), st.tuples(st.integers(-2, 14), st.integers(-2, 33))),
        max_size=5,
    ),
    st.just("не список"),
)


def check(result, text):
    assert isinstance(result, Deadline), text
    assert result.kind in KINDS, text
    assert bool(result.windows) == (result.kind in {"dates", "continuous"}), text
    for start, due in result.windows:
        assert isinstance(due, date) and (start is None or (isinstance(start, date) and start <= due)), text
    dues = [due for _, due in result.windows]
    assert dues == sorted(dues) and len(set(result.windows)) == len(result.windows), text


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=phrases, start=realistic_starts, years=st.integers(0, 5), school_quarters=quarters)
@example(text="ежемесячно не позднее 31 числа следующего месяца", start=date(9999, 1, 1), years=0, school_quarters=None)
@example(text="с 29 февраля", start=date(2023, 1, 1), years=1, school_quarters=None)
def test_any_phrase_in_a_plan_period(text, start, years, school_quarters):
    end = date(min(start.year + years, 9999), 12, 31)
    # The grammar itself, without parse_deadline's safety net: it must not raise either.
    if text.strip():
        check(deadlines._parse(text, start, end, school_quarters), text)
    check(parse_deadline(text, start, end, school_quarters), text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=phrases, start=days, end=days)
@example(text="ежеквартально", start=date(9999, 10, 1), end=date(9999, 12, 31))
@example(text="до конца 9999 года", start=date(1, 1, 1), end=date(1, 1, 1))
def test_any_phrase_in_any_period(text, start, end):
    # An inverted or absurd period (year 1, year 9999) is a caller's mistake, still not a crash.
    if text.strip():
        check(deadlines._parse(text, start, end, None), text)
    check(parse_deadline(text, start, end), text)


@given(text=phrases, start=st.one_of(days, st.datetimes(), st.none(), st.text(max_size=3)), end=days)
def test_any_kind_of_period_value(text, start, end):
    check(parse_deadline(text, start, end), text)


def test_a_datetime_period_is_read_as_its_date():
    result = parse_deadline("в течение года", datetime(2025, 1, 1, 12), datetime(2025, 12, 31, 8))
    assert result.windows == ((date(2025, 1, 1), date(2025, 12, 31)),)


def test_a_text_longer_than_any_deadline_is_not_read():
    # Regression: 10,000 characters of «1-1-…» took 8 s in the token grammar (hypothesis' bigger
    # cousin, a hand-made long input, found it); the deadline preview accepts any text.
    assert parse_deadline("1-" * 5000 + "квартал", date(2023, 1, 1), date(2025, 12, 31)) == Deadline("unknown")
    # The longest deadline a plan can store (500 characters) is still read.
    stored = ("Ежеквартально, не позднее 25 числа последнего месяца квартала; " * 8)[:500]
    assert parse_deadline(stored, date(2025, 1, 1), date(2025, 12, 31)).kind == "dates"
