from django.apps import AppConfig


class CapacityConfig(AppConfig):
    name = "liaison.capacity"
    label = "capacity"
    verbose_name = "SAFE capacity building"

    def ready(self) -> None:
        from liaison.capacity import permissions  # noqa: F401
