from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "liaison.partners"
    label = "partners"
    verbose_name = "Partners"

    def ready(self) -> None:
        from liaison.partners import permissions  # noqa: F401
