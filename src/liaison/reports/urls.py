"""Report pages: each views module keeps its own ``urlpatterns``."""

from liaison.reports.views import annual, country, evaluation

app_name = "reports"
urlpatterns = [*evaluation.urlpatterns, *annual.urlpatterns, *country.urlpatterns]
