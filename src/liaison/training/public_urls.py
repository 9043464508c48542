"""Pages anyone may open without signing in: the certificate check and the secret iCal feeds."""

from django.urls import path

from liaison.training.views import public

app_name = "public"
urlpatterns = [
    path("verify/", public.certificate_lookup, name="certificate_lookup"),
    path("verify/<str:code>/", public.certificate_verify, name="certificate_verify"),
    path("calendar/<str:token>.ics", public.calendar_feed, name="calendar_feed"),
]
