from django.urls import include, path

from liaison.api.api import api
from liaison.core import views as core_views
from liaison.people.urls import urlpatterns as people_urls

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("account/", include("liaison.accounts.urls")),
    path("partners/", include("liaison.partners.urls")),
    path("", include((people_urls, "people"))),
    path("catalog/", include("liaison.catalog.urls")),
    path("vetting/", include("liaison.vetting.urls")),
    path("training/", include("liaison.training.urls")),
    path("visits/", include("liaison.visits.urls")),
    path("audit/", include("liaison.audit.urls")),
    path("", include("liaison.training.public_urls")),
    path("", include("liaison.visits.public_urls")),
    path("api/v1/", api.urls),
]
