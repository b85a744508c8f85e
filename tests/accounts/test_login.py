import pytest
from django.urls import reverse


def test_it_shows_the_russian_login_page_first(db, client):
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:login"))
    page = response.content.decode()
    assert "Вход" in page and "Имя пользователя" in page and "Пароль" in page
    assert '<html lang="ru">' in page


def test_it_refuses_a_wrong_password_in_russian(cast, client):
    response = client.post(reverse("accounts:login"), {"username": "coordinator", "password": "wrong"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Неверное имя пользователя или пароль" in page
    assert "_auth_user_id" not in client.session
    # Announced and tied to the fields it is about (ГОСТ Р 52872-2019, 3.3.1).
    assert 'role="alert" id="login-error"' in page
    assert page.count('aria-invalid="true"') == 2 and page.count('aria-describedby="login-error"') == 2


def test_it_logs_in_and_out(cast, client):
    response = client.post(reverse("accounts:login"), {"username": "coordinator", "password": "demo"})
    assert response.status_code == 302 and response.url == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302 and response.url == reverse("accounts:login")
    assert client.get(reverse("home")).status_code == 302


def test_it_changes_the_password_and_explains_errors_in_russian(cast, client):
    client.force_login(cast.director_a)
    url = reverse("accounts:password_change")
    response = client.post(url, {"old_password": "demo", "new_password1": "короткий", "new_password2": "другой"})
    assert response.status_code == 200
    assert "Введенные пароли не совпадают" in response.content.decode()
    response = client.post(
        url, {"old_password": "demo", "new_password1": "Дорожная-карта-2025", "new_password2": "Дорожная-карта-2025"}
    )
    assert response.status_code == 302
    cast.director_a.refresh_from_db()
    assert cast.director_a.check_password("Дорожная-карта-2025")


@pytest.mark.parametrize("role", ["coordinator", "curator", "director_a"])
def test_it_logs_in_to_the_home_page(cast, client, role):
    client.force_login(getattr(cast, role))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "Выйти" in response.content.decode()
