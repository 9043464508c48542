from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "liaison.surveys"
    label = "surveys"
    verbose_name = "Surveys"

    def ready(self) -> None:
        from liaison.surveys import permissions  # noqa: F401
