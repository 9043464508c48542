from django.urls import path

from liaison.people import views

app_name = "people"
urlpatterns = [
    path("people/", views.person_list, name="person_list"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/duplicate-check/", views.person_duplicate_check, name="person_duplicate_check"),
    path("people/<int:pk>/edit/", views.person_update, name="person_update"),
    path("people/<int:pk>/personal-data/", views.person_personal_data, name="person_personal_data"),
    path("people/<int:pk>/merge/<int:other>/", views.person_merge, name="person_merge"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/new/", views.staff_create, name="staff_create"),
    path("staff/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("staff/<int:pk>/edit/", views.staff_update, name="staff_update"),
]
