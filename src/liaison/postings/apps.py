from django.apps import AppConfig


class PostingsConfig(AppConfig):
    name = "liaison.postings"
    label = "postings"
    verbose_name = "Postings"

    def ready(self) -> None:
        from liaison.postings import permissions  # noqa: F401
