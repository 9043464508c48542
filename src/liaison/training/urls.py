"""Training pages: each views module keeps its own ``urlpatterns``."""

from django.urls import URLPattern

app_name = "training"
urlpatterns: list[URLPattern] = []
