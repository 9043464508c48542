from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "liaison.training"
    label = "training"
    verbose_name = "Training"

    def ready(self) -> None:
        from liaison.training import permissions  # noqa: F401
