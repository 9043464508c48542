from django.urls import include, path

from liaison.api.api import api
from liaison.core import views as core_views
from liaison.home import views as home_views
from liaison.partners.urls import urlpatterns as partners_urls
from liaison.people.urls import urlpatterns as people_urls
from liaison.postings.urls import urlpatterns as postings_urls

urlpatterns = [
    path("", home_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("account/", include("liaison.accounts.urls")),
    # A country's page and a person's page combine the programs, so their views are home's.
    path(
        "partners/",
        include(
            (
                [
                    *partners_urls,
                    path("countries/<str:code>/", home_views.country_detail, name="country_detail"),
                ],
                "partners",
            )
        ),
    ),
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
    # Coverage gaps and a tour's handover read every program: their views are home's.
    path(
        "postings/",
        include(
            (
                [
                    *postings_urls,
                    path("gaps/", home_views.coverage_gap_list, name="coverage_gaps"),
                    path("<int:pk>/handover/", home_views.posting_handover_page, name="handover"),
                ],
                "postings",
            )
        ),
    ),
    path("visits/", include("liaison.visits.urls")),
    path("capacity/", include("liaison.capacity.urls")),
    path("agreements/", include("liaison.agreements.urls")),
    path("surveys/", include("liaison.surveys.urls")),
    path("reports/", include("liaison.reports.urls")),
    path("audit/", include("liaison.audit.urls")),
    path("", include("liaison.training.public_urls")),
    path("", include("liaison.visits.public_urls")),
    path("", include("liaison.surveys.public_urls")),
    path("api/v1/", api.urls),
]
