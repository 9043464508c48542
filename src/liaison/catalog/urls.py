from django.urls import path

from liaison.catalog import views

app_name = "catalog"
urlpatterns = [
    path("courses/", views.course_list, name="course_list"),
    path("courses/new/", views.course_edit, name="course_create"),
    path("courses/<int:pk>/", views.course_detail, name="course_detail"),
    path("courses/<int:pk>/edit/", views.course_edit, name="course_update"),
    path("venues/", views.venue_list, name="venue_list"),
    path("venues/new/", views.venue_edit, name="venue_create"),
    path("venues/<int:pk>/", views.venue_detail, name="venue_detail"),
    path("venues/<int:pk>/edit/", views.venue_edit, name="venue_update"),
    path("funding-sources/", views.funding_source_list, name="funding_source_list"),
    path("funding-sources/new/", views.funding_source_edit, name="funding_source_create"),
    path("funding-sources/<int:pk>/edit/", views.funding_source_edit, name="funding_source_update"),
]
