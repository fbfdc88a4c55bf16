"""The committees' orientation of their cells' meetings."""

from django.urls import path

from chibo.supervision import views as v

urlpatterns = [
    path("to-chuc/<str:code>/dinh-huong/", v.orientation_list, name="orientation_list"),
    path("dinh-huong/<int:pk>/", v.orientation_detail, name="orientation_detail"),
]
