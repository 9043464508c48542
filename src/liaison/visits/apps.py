from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "liaison.visits"
    label = "visits"
    verbose_name = "International Visitors Program"

    def ready(self) -> None:
        from liaison.visits import permissions  # noqa: F401
