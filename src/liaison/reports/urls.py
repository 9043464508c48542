"""Report pages: each views module keeps its own ``urlpatterns``."""

from liaison.reports.views import annual, country, dashboard, evaluation, sponsor

app_name = "reports"
urlpatterns = [
    *dashboard.urlpatterns,
    *evaluation.urlpatterns,
    *sponsor.urlpatterns,
    *annual.urlpatterns,
    *country.urlpatterns,
]
