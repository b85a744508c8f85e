"""The first account of a region, without /admin/ or a shell: its region administrator.

    manage.py create_region_admin --region "Омская область" --email admin@obr.omsk.ru
    echo "пароль" | manage.py create_region_admin --region "Омская область" --email admin@obr.omsk.ru --password-stdin

Creates the region when no region has that name; the e-mail is the login. Prints a one-time link
to set the password (valid PASSWORD_RESET_TIMEOUT seconds), or takes the password from stdin.
A second run for the same e-mail changes nothing and prints a fresh link.
"""

import sys

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from accounts.invitations import link_valid_until, password_link
from accounts.models import Role, User
from accounts.services import email_taken
from schools.models import Region


class Command(BaseCommand):
    help = (
        "Создать регионального администратора: регион (если его ещё нет) и учётную запись с адресом "
        "эл. почты как именем для входа. Печатает одноразовую ссылку для задания пароля; "
        "с --password-stdin читает пароль со стандартного ввода. Повторный запуск для того же "
        "адреса ничего не меняет и печатает новую ссылку."
    )

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="Наименование субъекта РФ: «Омская область».")
        parser.add_argument("--email", required=True, help="Адрес эл. почты администратора; он же имя для входа.")
        parser.add_argument("--password-stdin", action="store_true", help="Прочитать пароль со стандартного ввода.")

    def handle(self, *args, region, email, password_stdin, **options):
        region_name = " ".join(region.split())
        email = email.strip().lower()
        if not region_name:
            raise CommandError("Укажите наименование региона: --region \"Омская область\".")
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"«{email}» — не адрес эл. почты.") from None
        password = self._read_password() if password_stdin else None

        existing = User.objects.filter(username__iexact=email).select_related("region").first()
        if existing is None and email_taken(email):
            raise CommandError(f"Адрес {email} уже указан у другой учётной записи; выберите другой.")
        if existing is not None:
            if existing.role != Role.REGION_ADMIN or existing.region is None or existing.region.name != region_name:
                where = existing.region or existing.municipality or "—"
                raise CommandError(
                    f"Учётная запись {existing.username} уже есть: {existing.get_role_display() or 'без роли'}, {where}. "
                    "Команда её не меняет."
                )
            self.stdout.write(f"Региональный администратор {existing.username} ({existing.region}) уже есть.")
            if password is not None:
                self._set_password(existing, password, reason="пароль задан командой create_region_admin")
                self.stdout.write("Пароль задан.")
            else:
                self._print_link(existing)
            return

        with transaction.atomic():
            region_obj, created = Region.objects.get_or_create(name=region_name)
            user = User(username=email, email=email, role=Role.REGION_ADMIN, region=region_obj)
            if password is not None:
                self._check_password(password, user)
                user.set_password(password)
            else:
                user.set_unusable_password()
            user.full_clean()
            user._change_reason = "создан командой create_region_admin"
            user.save()
        if created:
            self.stdout.write(f"Регион «{region_obj}» создан.")
        self.stdout.write(self.style.SUCCESS(f"Региональный администратор {user.username} ({region_obj}) создан."))
        if password is None:
            self._print_link(user)
        else:
            self.stdout.write("Пароль задан; вход — по адресу эл. почты.")

    def _read_password(self):
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise CommandError("Пароль со стандартного ввода пуст.")
        return password

    def _check_password(self, password, user):
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError("Пароль не подходит: " + " ".join(error.messages)) from None

    def _set_password(self, user, password, *, reason):
        self._check_password(password, user)
        user.set_password(password)
        user._change_reason = reason
        user.save()

    def _print_link(self, user):
        until = link_valid_until()
        self.stdout.write(f"Ссылка для задания пароля (действует один раз, до {until:%d.%m.%Y %H:%M %Z}):")
        self.stdout.write(password_link(user))
