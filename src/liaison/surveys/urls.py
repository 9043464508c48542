from django.urls import path

from liaison.surveys.views import staff as views

app_name = "surveys"
urlpatterns = [
    path("", views.survey_list, name="survey_list"),
    path("new/", views.survey_create, name="survey_create"),
    path("<int:pk>/", views.survey_detail, name="survey_detail"),
    path("<int:pk>/questions/new/", views.question_add, name="question_add"),
    path("questions/<int:pk>/remove/", views.question_remove, name="question_remove"),
    path("<int:pk>/publish/", views.survey_publish, name="survey_publish"),
    path("<int:pk>/new-version/", views.survey_new_version, name="survey_new_version"),
    path("<int:pk>/invite/", views.survey_invite, name="survey_invite"),
    path("<int:pk>/results/", views.survey_results, name="survey_results"),
]
