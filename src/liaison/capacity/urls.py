from django.urls import path

from liaison.capacity import views

app_name = "capacity"
urlpatterns = [
    path("", views.program_list, name="program_list"),
    path("new/", views.program_edit, name="program_create"),
    path("<int:pk>/", views.program_detail, name="program_detail"),
    path("<int:pk>/edit/", views.program_edit, name="program_update"),
    path("<int:pk>/targets/", views.program_targets, name="program_targets"),
    path("<int:pk>/assessments/new/", views.assessment_create, name="assessment_create"),
    path("<int:pk>/plan/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/plan/generate/", views.plan_generate, name="plan_generate"),
    path("<int:pk>/plan/add/", views.plan_item_add, name="plan_item_add"),
    path("<int:program_pk>/mentoring/new/", views.mentoring_edit, name="mentoring_create"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("assessments/<int:pk>/edit/", views.assessment_update, name="assessment_update"),
    path("assessments/<int:pk>/scores/", views.assessment_scores, name="assessment_scores"),
    path("assessments/<int:pk>/move/", views.assessment_move, name="assessment_move"),
    path("assessments/<int:pk>/attach/", views.attachment_upload, name="attachment_upload"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("plan-items/<int:pk>/move/", views.plan_item_move, name="plan_item_move"),
    path("plan-items/<int:pk>/remove/", views.plan_item_remove, name="plan_item_remove"),
    path("plan-items/<int:pk>/link/", views.plan_item_link, name="plan_item_link"),
    path("plan-items/<int:pk>/unlink/", views.plan_item_unlink, name="plan_item_unlink"),
    path("mentoring/<int:pk>/edit/", views.mentoring_edit, name="mentoring_update"),
]
