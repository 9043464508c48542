from django.urls import path

from liaison.postings import views

app_name = "postings"
urlpatterns = [
    path("", views.posting_list, name="posting_list"),
    path("new/", views.posting_create, name="posting_create"),
    path("<int:pk>/", views.posting_detail, name="posting_detail"),
    path("<int:pk>/edit/", views.posting_update, name="posting_update"),
    path("<int:pk>/move/", views.posting_move, name="posting_move"),
    path("<int:pk>/end/", views.posting_change_end, name="posting_change_end"),
    path("coverage/", views.coverage, name="coverage"),
    path("ending/", views.ending, name="ending"),
    path("posts/", views.post_list, name="post_list"),
    path("posts/new/", views.post_create, name="post_create"),
    path("posts/<int:pk>/edit/", views.post_update, name="post_update"),
    path("programs/", views.program_list, name="program_list"),
    path("programs/new/", views.program_create, name="program_create"),
    path("programs/<int:pk>/", views.program_detail, name="program_detail"),
    path("programs/<int:pk>/edit/", views.program_update, name="program_update"),
    path("deployments/", views.deployment_list, name="deployment_list"),
    path("deployments/new/", views.deployment_create, name="deployment_create"),
    path("deployments/<int:pk>/cancel/", views.deployment_cancel, name="deployment_cancel"),
]
