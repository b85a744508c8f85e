"""`manage.py print_order --number N [--municipality NAME] -o FILE.pdf` — the contract checked from outside."""

import datetime
import hashlib

import pytest
from django.core.management import CommandError, call_command

from reports.services import order_sign

from .. import factories as f


@pytest.fixture
def numbered(cast):
    cast.order.number, cast.order.date = "229-ра", datetime.date(2024, 2, 29)
    cast.order.kind = "directive"
    cast.order.save()
    cast.order_other.number, cast.order_other.date = "87", datetime.date(2023, 4, 4)
    cast.order_other.save()
    return cast


def test_a_unique_beginning_of_the_number_finds_the_order(numbered, tmp_path, capsys):
    out = tmp_path / "order.pdf"
    call_command("print_order", "--number", "229", "-o", str(out))
    assert out.read_bytes().startswith(b"%PDF")
    assert "Распоряжение от 29.02.2024 № 229-ра" in capsys.readouterr().out


def test_the_number_as_written_is_found_ignoring_case_and_spaces(numbered, tmp_path):
    call_command("print_order", "--number", "229 -РА", "-o", str(tmp_path / "a.pdf"))
    assert (tmp_path / "a.pdf").exists()


def test_an_exact_number_wins_over_a_longer_one(numbered, tmp_path, capsys):
    f.OrderFactory(municipality=numbered.muni, number="870", date=datetime.date(2024, 1, 1))
    call_command("print_order", "--number", "87", "-o", str(tmp_path / "87.pdf"))
    assert "№ 87 " in capsys.readouterr().out


def test_an_ambiguous_beginning_lists_the_candidates_in_russian(numbered, tmp_path):
    f.OrderFactory(municipality=numbered.muni, number="2291", date=datetime.date(2024, 1, 1))
    with pytest.raises(CommandError) as error:
        call_command("print_order", "--number", "229", "-o", str(tmp_path / "x.pdf"))
    message = str(error.value)
    assert "подходит к нескольким документам" in message and "229-ра" in message and "2291" in message
    assert not (tmp_path / "x.pdf").exists()


def test_an_unknown_number_lists_what_there_is(numbered, tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("print_order", "--number", "999", "-o", str(tmp_path / "x.pdf"))
    assert "не найден" in str(error.value) and "229-ра" in str(error.value) and "87" in str(error.value)


def test_the_municipality_narrows_the_search(numbered, tmp_path, capsys):
    f.OrderFactory(municipality=numbered.other, number="229-А", date=datetime.date(2024, 1, 1))
    call_command("print_order", "--number", "229", "--municipality", "русско-полянский", "-o", str(tmp_path / "x.pdf"))
    assert "229-ра" in capsys.readouterr().out
    with pytest.raises(CommandError, match="не найден"):
        call_command("print_order", "--number", "87", "--municipality", "Русско", "-o", str(tmp_path / "y.pdf"))


def test_an_ambiguous_or_unknown_municipality_is_refused(numbered, tmp_path):
    with pytest.raises(CommandError, match="несколько муниципалитетов"):
        call_command("print_order", "--number", "87", "--municipality", "муниципальн", "-o", str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError, match="не найден"):
        call_command("print_order", "--number", "87", "--municipality", "Яковлевский", "-o", str(tmp_path / "x.pdf"))


def test_a_signed_order_is_written_as_stored(ready_order, cast, tmp_path):
    order = order_sign(order=ready_order, user=cast.chair)
    out = tmp_path / "signed.pdf"
    call_command("print_order", "--number", "12", "-o", str(out))
    assert hashlib.sha256(out.read_bytes()).hexdigest() == order.pdf_sha256
