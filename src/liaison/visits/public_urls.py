"""Visit addresses anyone may open without signing in: a site host's secret iCal feed."""

from django.urls import path

from liaison.visits.views import public

app_name = "visits_public"
urlpatterns = [
    path("visits/calendar/<str:token>.ics", public.host_feed, name="host_feed"),
]
