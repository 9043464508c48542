from django.urls import path

from liaison.partners import views

app_name = "partners"
urlpatterns = [
    path("regions/", views.region_list, name="region_list"),
    path("countries/", views.country_list, name="country_list"),
    path("agencies/", views.agency_list, name="agency_list"),
    path("agencies/new/", views.agency_create, name="agency_create"),
    path("agencies/<int:pk>/", views.agency_detail, name="agency_detail"),
    path("agencies/<int:pk>/edit/", views.agency_update, name="agency_update"),
]
