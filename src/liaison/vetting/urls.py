from django.urls import path

from liaison.vetting import views

app_name = "vetting"
urlpatterns = [
    path("", views.record_list, name="record_list"),
    path("expiring/", views.expiring, name="expiring"),
    path("results/", views.results_import, name="results_import"),
    path("results/<int:upload_id>/", views.results_preview, name="results_preview"),
    path("<int:pk>/", views.record_detail, name="record_detail"),
    path("people/<int:person_pk>/submit/", views.person_submit, name="person_submit"),
]
