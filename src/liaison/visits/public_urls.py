"""Visit addresses anyone may open without signing in: a site host's secret iCal feed."""

from django.urls import URLPattern

app_name = "visits_public"
urlpatterns: list[URLPattern] = []
