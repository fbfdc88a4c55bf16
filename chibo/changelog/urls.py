from django.urls import path

from chibo.changelog import views

urlpatterns = [
    path("nhat-ky/", views.changelog, name="changelog"),
]
