"""Visit pages (year): being built."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
