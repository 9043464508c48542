from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "liaison.agreements"
    label = "agreements"
    verbose_name = "Customs Mutual Assistance Agreements"

    def ready(self) -> None:
        from liaison.agreements import permissions  # noqa: F401
