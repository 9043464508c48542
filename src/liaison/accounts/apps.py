from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "liaison.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from liaison.accounts import permissions  # noqa: F401
