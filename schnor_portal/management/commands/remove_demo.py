"""`manage.py remove_demo --yes`: remove everything `load_demo` created.

What is demo is decided by where it hangs, not by a list of what the loader makes today: the three
municipalities named in the demo JSON files, with every object that depends on them (schools,
people, plans, orders, results, control points, the lived history and whatever the loader adds
later), the demo accounts by their usernames, and a demo region once no municipality is left in it.
So the command stays right however the loader grows.

Many of the portal's foreign keys are PROTECT (a school cannot vanish from under its plan), so
Django's cascading delete refuses a municipality; the command collects the whole dependency tree
itself, checks that it never reaches another municipality, and deletes it leaves first, in one
transaction. The history rows of deleted objects and their stored files go too.
"""

import json
from collections import defaultdict, deque

from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError

from accounts.models import User
from schnor_portal.demo.loader import DATA_DIR, DEMO_FILES
from schools.models import Municipality, Region

# Referrers removed with what they reference; SET_NULL / DO_NOTHING referrers stay (the history's
# links are DO_NOTHING and are cleaned by id below).
FOLLOWED = (models.CASCADE, models.PROTECT, models.RESTRICT)
BATCH = 500


def demo_names(files=DEMO_FILES) -> tuple[list[str], list[str], list[str]]:
    """The demo municipalities, regions and account usernames, as the demo files name them."""
    municipalities, regions, usernames = [], [], []
    for name in files:
        data = json.loads((DATA_DIR / name).read_text(encoding="utf-8"))
        municipalities.append(data["municipality"]["name"])
        regions.append(data["region"])
        usernames.extend(a["username"] for a in data.get("accounts", []))
    return municipalities, regions, usernames


def _referrers(model):
    """Reverse foreign keys and one-to-ones to the model, hidden ones («related_name='+'») included."""
    for rel in model._meta.get_fields(include_hidden=True):
        if rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one) and rel.on_delete in FOLLOWED:
            yield rel


def dependency_tree(roots: dict) -> dict:
    """Every object that must go with the roots ({model: pks}): all that references them through a
    CASCADE, PROTECT or RESTRICT key, transitively. Keyed by concrete model."""
    found: dict = defaultdict(set)
    queue = deque()

    def add(model, pks):
        model = model._meta.concrete_model
        new = set(pks) - found[model]
        if new:
            found[model] |= new
            queue.append((model, new))

    for model, pks in roots.items():
        add(model, pks)
    while queue:
        model, pks = queue.popleft()
        for rel in _referrers(model):
            field = rel.field
            target = field.target_field
            values = list(pks)
            if not target.primary_key:  # a key to another unique column: read that column's values
                values = list(model._base_manager.filter(pk__in=pks).values_list(target.attname, flat=True))
            related = rel.related_model._base_manager
            for start in range(0, len(values), BATCH):
                chunk = values[start:start + BATCH]
                add(rel.related_model, related.filter(**{f"{field.attname}__in": chunk}).values_list("pk", flat=True))
    return {model: pks for model, pks in found.items() if pks}


def _stored_files(tree) -> list:
    files = []
    for model, pks in tree.items():
        file_fields = [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
        if not file_fields:
            continue
        for row in model._base_manager.filter(pk__in=pks).values_list(*[f.attname for f in file_fields]):
            files.extend((field.storage, name) for field, name in zip(file_fields, row) if name)
    return files


def _delete_tree(tree) -> None:
    """Delete leaves first: rows still protected by others (a branch protects its school, a new
    order the one it replaces) wait for a later round; a round that removes nothing is a failure."""
    left = {model: set(pks) for model, pks in tree.items()}
    while left:
        progress = False
        for model in list(left):
            manager = model._base_manager
            try:
                with transaction.atomic():
                    manager.filter(pk__in=left[model]).delete()
                del left[model]
                progress = True
                continue
            except (ProtectedError, RestrictedError):
                pass
            # One by one: those nothing protects go now, the rest next round.
            for pk in sorted(left[model]):
                try:
                    with transaction.atomic():
                        manager.filter(pk=pk).delete()
                except (ProtectedError, RestrictedError):
                    continue
                left[model].discard(pk)
                progress = True
            if not left[model]:
                del left[model]
        if left and not progress:
            names = ", ".join(sorted(str(m._meta.verbose_name_plural) for m in left))
            raise CommandError(f"Не удалось удалить демонстрационные данные: их держат ссылки ({names}). Ничего не удалено.")


def _history_delete(tree) -> int:
    """The change history of deleted objects: its rows name them and would outlive them. Rows of
    objects that no longer exist (a point the lived history made and removed) are found by what
    they pointed to: a history row of a deleted activity's point goes with the activity."""
    removed = 0
    for model, pks in tree.items():
        history = getattr(model, "history", None)
        history_model = getattr(history, "model", None)
        if history_model is None or history_model is model:
            continue
        links = [(model._meta.pk.attname, pks)]
        for field in history_model._meta.concrete_fields:
            target = getattr(field, "related_model", None)
            if field.name == "history_user" or target is None:
                continue
            target_pks = tree.get(target._meta.concrete_model)
            if target_pks and field.target_field.primary_key:
                links.append((field.attname, target_pks))
        for attname, values in links:
            values = list(values)
            for start in range(0, len(values), BATCH):
                chunk = values[start:start + BATCH]
                removed += history_model._base_manager.filter(**{f"{attname}__in": chunk}).delete()[0]
    return removed


def _summary(tree) -> list[tuple[str, int]]:
    return sorted(((str(model._meta.verbose_name_plural), len(pks)) for model, pks in tree.items()), key=lambda x: (-x[1], x[0]))


class Command(BaseCommand):
    help = (
        "Удаляет всё, что загрузила load_demo: три демонстрационных муниципалитета со всеми их данными "
        "(школы, люди, планы, приказы, контрольные точки, результаты, история), демонстрационные учётные "
        "записи и регионы, в которых не осталось муниципалитетов. Без --yes только показывает, что будет удалено."
    )

    def add_arguments(self, parser):
        parser.add_argument("--yes", action="store_true", help="удалить на самом деле")

    def handle(self, *args, yes=False, **options):
        names, region_names, usernames = demo_names()
        municipalities = list(Municipality.objects.filter(name__in=names))
        users = User.objects.filter(username__in=usernames) | User.objects.filter(municipality__in=municipalities)
        roots = {Municipality: {m.pk for m in municipalities}, User: set(users.values_list("pk", flat=True))}
        tree = dependency_tree({model: pks for model, pks in roots.items() if pks})
        # A safety net: the tree must never reach a municipality that is not demo.
        foreign = Municipality.objects.filter(pk__in=tree.get(Municipality, set())).exclude(name__in=names)
        if foreign.exists() or tree.get(Region):
            raise CommandError(
                "Демонстрационные данные связаны с данными других муниципалитетов ("
                + ", ".join(foreign.values_list("name", flat=True)) + "): ничего не удалено."
            )
        regions = [r for r in Region.objects.filter(name__in=region_names)]
        # A region stays while it holds another municipality or an account that is not demo
        # (a region's own observer may be set up before its municipalities).
        kept_regions = [
            r for r in regions
            if Municipality.objects.filter(region=r).exclude(pk__in=tree.get(Municipality, set())).exists()
            or User.objects.filter(region=r).exclude(username__in=usernames).exists()
        ]
        empty_regions = [r for r in regions if r not in kept_regions]
        accounts = sorted(User.objects.filter(pk__in=tree.get(User, set())).values_list("username", flat=True))
        if not tree and not empty_regions:
            self.stdout.write("Демонстрационных данных нет: удалять нечего.")
            return
        if not yes:
            self.stdout.write("Будет удалено:")
            self._report(tree, accounts, empty_regions, municipalities)
            raise CommandError(
                "Ничего не удалено: удаление необратимо. Сделайте резервную копию (make backup) и повторите с --yes."
            )
        with transaction.atomic():
            files = _stored_files(tree)
            _delete_tree(tree)
            # After the rows: deleting them writes their «deleted» history rows, which go too.
            history = _history_delete(tree)
            region_tree = {}
            if empty_regions:
                # The region's own rows (region averages, region accounts) were made for the demo too.
                region_tree = dependency_tree({Region: {r.pk for r in empty_regions}})
                if region_tree.get(Municipality):
                    region_tree = {}
                else:
                    files += _stored_files(region_tree)
                    accounts += sorted(User.objects.filter(pk__in=region_tree.get(User, set())).values_list("username", flat=True))
                    _delete_tree(region_tree)
                    history += _history_delete(region_tree)
            # Files go only once the rows are gone for good.
            transaction.on_commit(lambda: [storage.delete(name) for storage, name in files])
        self.stdout.write("Удалено:")
        merged = defaultdict(set)
        for part in (tree, region_tree):
            for model, pks in part.items():
                merged[model] |= pks
        self._report(merged, accounts, empty_regions if region_tree else [], municipalities)
        self.stdout.write(f"  записей истории изменений — {history}, файлов — {len(files)}")
        if kept_regions:
            self.stdout.write(
                "Оставлены регионы, в которых есть другие муниципалитеты или учётные записи: "
                + ", ".join(r.name for r in kept_regions)
            )

    def _report(self, tree, accounts, regions, municipalities):
        if municipalities:
            self.stdout.write("  муниципалитеты: " + "; ".join(m.name for m in municipalities))
        if regions:
            self.stdout.write("  регионы: " + "; ".join(r.name for r in regions))
        if accounts:
            self.stdout.write("  учётные записи: " + ", ".join(accounts))
        for name, count in _summary(tree):
            self.stdout.write(f"  {name} — {count}")
