from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "liaison.training"
    label = "training"
    verbose_name = "Training"

    def ready(self) -> None:
        from liaison.core.imports import register_import_kind
        from liaison.training import permissions  # noqa: F401
        from liaison.training.roster_file import KIND
        from liaison.training.services.roster import run_apply, run_preview

        register_import_kind(KIND, preview=run_preview, apply=run_apply)
