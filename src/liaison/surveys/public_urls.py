"""Survey addresses anyone may open without signing in: reached only through an invitation's
signed link."""

from django.urls import path

from liaison.surveys.views import public

app_name = "surveys_public"
urlpatterns = [
    path("survey/<str:token>/", public.answer, name="answer"),
    path("survey/<str:token>/opt-out/", public.opt_out, name="opt_out"),
]
