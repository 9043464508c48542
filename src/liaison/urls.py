from django.urls import include, path

from liaison.api.api import api
from liaison.core import views as core_views
from liaison.home import views as home_views
from liaison.people.urls import urlpatterns as people_urls

urlpatterns = [
    path("", home_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("account/", include("liaison.accounts.urls")),
    path("partners/", include("liaison.partners.urls")),
    # A person's page combines the programs, so its view is the home app's.
    path(
        "",
        include(
            (
                [
                    *people_urls,
                    path("people/<int:pk>/", home_views.person_detail, name="person_detail"),
                ],
                "people",
            )
        ),
    ),
    path("catalog/", include("liaison.catalog.urls")),
    path("vetting/", include("liaison.vetting.urls")),
    path("training/", include("liaison.training.urls")),
    path("visits/", include("liaison.visits.urls")),
    path("agreements/", include("liaison.agreements.urls")),
    path("audit/", include("liaison.audit.urls")),
    path("", include("liaison.training.public_urls")),
    path("", include("liaison.visits.public_urls")),
    path("api/v1/", api.urls),
]
