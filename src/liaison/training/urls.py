"""Training pages: each views module keeps its own ``urlpatterns``."""

from liaison.training.views import certificates, deliveries, follow_ups, requests, roster_import

app_name = "training"
urlpatterns = [
    *deliveries.urlpatterns,
    *requests.urlpatterns,
    *follow_ups.urlpatterns,
    *roster_import.urlpatterns,
    *certificates.urlpatterns,
]
