from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "liaison.training"
    label = "training"
    verbose_name = "Training"

    def ready(self) -> None:
        from liaison.core.imports import register_import_kind
        from liaison.training import permissions, roster  # noqa: F401

        register_import_kind(roster.KIND, preview=roster.run_preview, apply=roster.run_apply)
