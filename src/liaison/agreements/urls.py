"""Agreement pages: each views module keeps its own ``urlpatterns``."""

from liaison.agreements.views import agreements, documents, reports, requests

app_name = "agreements"
urlpatterns = [
    *agreements.urlpatterns,
    *requests.urlpatterns,
    *documents.urlpatterns,
    *reports.urlpatterns,
]
