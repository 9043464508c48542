from django.apps import AppConfig


class VettingConfig(AppConfig):
    name = "liaison.vetting"
    label = "vetting"
    verbose_name = "Vetting"

    def ready(self) -> None:
        from liaison.vetting import permissions  # noqa: F401
