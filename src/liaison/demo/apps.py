from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "liaison.demo"
    label = "demo"
    verbose_name = "Demo data"
