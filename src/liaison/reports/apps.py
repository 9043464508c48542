from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "liaison.reports"
    label = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        from liaison.reports import permissions  # noqa: F401  (registers the rules)
