from django.urls import path

from chibo.help import views

urlpatterns = [
    path("huong-dan/", views.help_index, name="help_index"),
    path("huong-dan/ket-luan/", views.help_findings, name="help_findings"),
    path("huong-dan/<str:role>/", views.help_role, name="help_role"),
]
