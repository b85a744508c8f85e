"""Find a school of the municipality by the name a results table gives it. Pure Python.

Results tables name schools by short names and abbreviations made on the spot: «НСОШ 1»,
«Яблон. филиал». The list import's index (exact name, then without the legal form) comes first;
then a name with shortened words matches when every word is the start of the school's word in the
same place: «Яблон. филиал» is «Яблоновский филиал», «Бельц. филиал» is «Бельцовский филиал».
"""

import re
from typing import Iterable

from schools.lists.importer import SchoolIndex, SchoolRef, normalise_name

MIN_PREFIX = 3  # «Я. филиал» would fit too many names to be a match


def _words(name: str) -> list[str]:
    text = normalise_name(name)
    text = re.sub(r"\.(?=\w)", ". ", text)  # «Яблон.филиал» as «Яблон. филиал»
    return text.split()


def _word_fits(written: str, full: str) -> bool:
    if written == full:
        return True
    stem = written[:-1]
    return written.endswith(".") and len(stem) >= MIN_PREFIX and full.rstrip(".").startswith(stem)


class SchoolMatcher:
    def __init__(self, schools: Iterable[SchoolRef]):
        self.schools = list(schools)
        self.index = SchoolIndex(self.schools)
        self.names = [
            (school, _words(name))
            for school in self.schools
            for name in (school.short_name, school.full_name, school.abbreviation)
            if name
        ]

    def match(self, name: str) -> list[SchoolRef]:
        found = self.index.match(name)
        if found:
            return found
        written = _words(name)
        if not any(word.endswith(".") for word in written):
            return []
        hits: list[SchoolRef] = []
        for school, words in self.names:
            if len(words) == len(written) and all(_word_fits(w, f) for w, f in zip(written, words)) and school not in hits:
                hits.append(school)
        return hits

    def suggest(self, name: str, limit: int = 3) -> list[str]:
        return self.index.suggest(name, limit=limit)
