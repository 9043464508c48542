from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "liaison.audit"
    label = "audit"
    verbose_name = "Audit"

    def ready(self) -> None:
        from liaison.audit import permissions  # noqa: F401
