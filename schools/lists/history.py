"""What a school's list history says, year by year. Pure Python: derived, never typed by hand.

Given the years a school was on a list, each year gets: on the list or not, first time on it,
how many years in a row, left the list (on last year, off this year), came back (on this year,
off last year, on some year before).
"""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class YearStatus:
    year: int
    on_list: bool
    first_time: bool = False
    years_in_row: int = 0
    left: bool = False
    came_back: bool = False
    years_on_list: int = 0  # on the list in this year and every year before, counted, not in a row

    @property
    def label(self) -> str:
        if self.first_time:
            return "впервые"
        if self.came_back:
            return "вернулась"
        if self.on_list and self.years_in_row > 1:
            return f"{self.years_in_row}-й год подряд"
        if self.left:
            return "вышла"
        return ""


def list_history(on_years: set[int] | frozenset[int], years: list[int] | range) -> list[YearStatus]:
    """One status per year in `years` (ascending); `on_years` are the years on the list."""
    statuses = []
    seen_before = any(y < min(years) for y in on_years) if years else False
    in_row = 0
    total = sum(1 for y in on_years if years and y < min(years))
    previous_on = (min(years) - 1 in on_years) if years else False
    if previous_on:
        # A run that started before the first shown year still counts.
        y = min(years) - 1
        while y in on_years:
            in_row += 1
            y -= 1
    for year in years:
        on = year in on_years
        if on:
            total += 1
            in_row = in_row + 1 if previous_on else 1
            statuses.append(
                YearStatus(
                    year=year,
                    on_list=True,
                    first_time=not seen_before,
                    years_in_row=in_row,
                    came_back=seen_before and not previous_on,
                    years_on_list=total,
                )
            )
            seen_before = True
        else:
            statuses.append(YearStatus(year=year, on_list=False, left=previous_on, years_on_list=total))
            in_row = 0
        previous_on = on
    return statuses
