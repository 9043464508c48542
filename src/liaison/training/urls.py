"""Training pages: each views module keeps its own ``urlpatterns``."""

from liaison.training.views import deliveries

app_name = "training"
urlpatterns = [*deliveries.urlpatterns]
