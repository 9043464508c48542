from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "liaison.catalog"
    label = "catalog"
    verbose_name = "Catalog"

    def ready(self) -> None:
        from liaison.catalog import permissions  # noqa: F401
