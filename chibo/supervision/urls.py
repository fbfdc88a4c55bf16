"""The committees' orientation of their cells' meetings and their inbox of recommendations."""

from django.urls import path

from chibo.supervision import views as v

urlpatterns = [
    path("to-chuc/<str:code>/dinh-huong/", v.orientation_list, name="orientation_list"),
    path("dinh-huong/<int:pk>/", v.orientation_detail, name="orientation_detail"),
    path("to-chuc/<str:code>/kien-nghi/", v.recommendation_inbox, name="recommendation_inbox"),
    path("kien-nghi/<int:pk>/", v.recommendation_detail, name="recommendation_detail"),
]
