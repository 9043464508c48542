"""Visit pages: each views module keeps its own ``urlpatterns``."""

from liaison.visits.views import documents, hosts, sites, visits, year

app_name = "visits"
urlpatterns = [
    *visits.urlpatterns,
    *sites.urlpatterns,
    *hosts.urlpatterns,
    *documents.urlpatterns,
    *year.urlpatterns,
]
