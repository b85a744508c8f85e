import pytest
from django.core.exceptions import ValidationError

from accounts.models import Role
from tests import factories as f


def test_it_requires_a_school_for_a_director(db):
    user = f.UserFactory.build(role=Role.DIRECTOR, municipality=f.MunicipalityFactory(), school=None)
    with pytest.raises(ValidationError) as error:
        user.clean()
    assert "Руководителю ОО нужно указать его школу" in str(error.value)


def test_it_refuses_a_school_of_another_municipality(db):
    school = f.SchoolFactory()
    user = f.UserFactory.build(role=Role.DIRECTOR, municipality=f.MunicipalityFactory(), school=school)
    with pytest.raises(ValidationError) as error:
        user.clean()
    assert "другому муниципалитету" in str(error.value)


def test_it_requires_a_municipality_for_every_role(db):
    user = f.UserFactory.build(role=Role.CURATOR, municipality=None)
    with pytest.raises(ValidationError) as error:
        user.clean()
    assert "должна принадлежать муниципалитету" in str(error.value)


@pytest.mark.parametrize(
    ("last", "first", "middle", "short"),
    [
        ("Касьян", "Валентина", "Викторовна", "Касьян В.В."),
        ("Касьян", "В.", "В.", "Касьян В.В."),
        ("Маркова", "Сон Ок", "", "Маркова Сон Ок"),
        ("Гребен", "", "", "Гребен"),
    ],
)
def test_it_prints_a_person_as_documents_do(last, first, middle, short):
    assert f.PersonFactory.build(last_name=last, first_name=first, middle_name=middle).short_name == short
