"""Report pages: each views module keeps its own ``urlpatterns``."""

from liaison.reports.views import evaluation

app_name = "reports"
urlpatterns = [*evaluation.urlpatterns]
