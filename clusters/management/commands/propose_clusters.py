import json

from django.core.management.base import BaseCommand, CommandError

from clusters.proposals import propose
from clusters.selectors import cluster_numbers, latest_list_year, plan_for_year, school_facts
from schools.models import Municipality


class Command(BaseCommand):
    help = (
        "Предлагает кластер каждой школе муниципалитета по истории списков (правила приказа № 87 "
        "Русско-Полянского района по умолчанию). Только чтение: ничего не сохраняет."
    )

    def add_arguments(self, parser):
        parser.add_argument("--municipality", required=True, help="Название муниципалитета или его однозначная часть")
        parser.add_argument("--year", type=int, required=True, help="Год плана (или год списка)")
        parser.add_argument("--json", action="store_true", help="Вывести JSON: [{school, cluster, reason}, …]")

    def handle(self, *args, municipality, year, json: bool, **options):
        target = _find_municipality(municipality)
        plan = plan_for_year(municipality=target, year=year)
        list_year = latest_list_year(municipality=target, year=year)
        if list_year is None:
            raise CommandError(f"У муниципалитета «{target}» нет списка ШНОР за {year} год или раньше.")
        proposals = propose(school_facts(municipality=target), list_year=list_year, numbers=cluster_numbers(plan=plan))
        clustered = sorted((p for p in proposals if p.cluster is not None), key=lambda p: (p.cluster, p.name))
        if json:
            rows = [{"school": p.name, "cluster": p.cluster, "reason": p.reason} for p in clustered]
            self.stdout.write(_dumps(rows))
            return
        self.stdout.write(f"{target}: список {list_year} года; план: {plan.title if plan else 'не найден'}")
        for p in sorted(proposals, key=lambda p: (p.cluster is None, p.cluster or 0, p.name)):
            label = f"{p.cluster} кластер" if p.cluster else "без кластера"
            self.stdout.write(f"  {label:<13} {p.name} — {p.reason}")


def _dumps(rows):
    return json.dumps(rows, ensure_ascii=False)


def _find_municipality(name: str) -> Municipality:
    exact = Municipality.objects.filter(name__iexact=name.strip())
    if exact.count() == 1:
        return exact.get()
    matches = list(Municipality.objects.filter(name__icontains=name.strip()))
    if not matches:
        raise CommandError(f"Муниципалитет «{name}» не найден.")
    if len(matches) > 1:
        names = "; ".join(m.name for m in matches)
        raise CommandError(f"«{name}» подходит к нескольким муниципалитетам: {names}. Уточните название.")
    return matches[0]
