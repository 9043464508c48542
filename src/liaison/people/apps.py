from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "liaison.people"
    label = "people"
    verbose_name = "People"

    def ready(self) -> None:
        from liaison.people import permissions  # noqa: F401
