"""The start page, the role switcher, and taking an orientation up into a meeting's agenda."""

from django.urls import path

from chibo.home import views as v

urlpatterns = [
    path("", v.start, name="home"),
    path("vai-tro/", v.role_switch, name="role_switch"),
    path("sinh-hoat/<str:ident>/dinh-huong/<int:pk>/", v.orientation_take_up, name="orientation_take_up"),
]
