from django.urls import path

from chibo.meetings import views

urlpatterns = [
    path("to-chuc/<str:code>/sinh-hoat/", views.meeting_list, name="meeting_list"),
    path("sinh-hoat/<str:ident>/", views.meeting_detail, name="meeting_detail"),
    path("cua-toi/", views.my_page, name="my_page"),
]
