from __future__ import annotations

from liaison.reports.views.annual import urlpatterns as annual_urls
from liaison.reports.views.country import urlpatterns as country_urls

app_name = "reports"

urlpatterns = [
    *annual_urls,
    *country_urls,
]
