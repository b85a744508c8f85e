"""The sizes of a seed and the dates that follow from them and from «today»."""

import datetime
import random
import zoneinfo
from dataclasses import dataclass, field

# All generated municipalities share the region's zone; stored times are UTC.
TIME_ZONE = "Asia/Omsk"


@dataclass(frozen=True)
class SeedSpec:
    municipalities: int
    schools: int
    years: int
    seed: int
    today: datetime.date
    password_hash: str = field(repr=False, default="")

    @property
    def zone(self):
        return zoneinfo.ZoneInfo(TIME_ZONE)

    @property
    def plan_start(self) -> datetime.date:
        # «Today» falls inside the plan, a little past its middle: there is a past to have been
        # done (or not) and a future still planned.
        return datetime.date(self.today.year - (self.years - 1) // 2, 1, 1)

    @property
    def plan_end(self) -> datetime.date:
        return datetime.date(self.plan_start.year + self.years - 1, 12, 31)

    @property
    def list_years(self) -> list[int]:
        """The yearly lists the plan was written on: the last one is the plan's first year."""
        first = self.plan_start.year
        return list(range(first - self.years + 1, first + 1))

    @property
    def exam_years(self) -> list[int]:
        # Exams end in July: this year's results exist from August on.
        last = self.today.year if self.today.month >= 8 else self.today.year - 1
        return list(range(last - self.years + 1, last + 1))

    @property
    def now(self) -> datetime.datetime:
        """Noon of «today» in the region: no generated event happens later."""
        return datetime.datetime.combine(self.today, datetime.time(12, 0), tzinfo=self.zone)

    def at(self, day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=self.zone)

    @property
    def approved_at(self) -> datetime.datetime:
        return self.at(self.plan_start - datetime.timedelta(days=20))

    @property
    def username_width(self) -> int:
        return max(2, len(str(self.municipalities)))

    def rng(self, *parts) -> random.Random:
        """A generator of its own for each part of the seed: adding a table never shifts another's values."""
        return random.Random("/".join(str(p) for p in (self.seed, *parts)))
