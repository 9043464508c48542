import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_shows_real_counts_for_program_manager(client, users, make_person):
    make_person()
    make_person(given="Luis", family="Mamani")
    client.force_login(users["program_manager"])
    response = client.get(reverse("home"))
    assert response.status_code == 200
    figures = {f.label: f.value for f in response.context["figures"]}
    assert figures["Foreign officials"] == 2
    assert figures["Partner countries"] > 190
