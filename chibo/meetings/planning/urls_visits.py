"""The committee's plan of visits to its cells' meetings and a member's own visits."""

from django.urls import path

from chibo.meetings.planning import views_visits as v

urlpatterns = [
    path("to-chuc/<str:code>/du-sinh-hoat/", v.visit_plan, name="visit_plan"),
    path("to-chuc/<str:code>/du-sinh-hoat/<int:pk>/xoa/", v.visit_plan_remove, name="visit_plan_remove"),
    path("cua-toi/du-sinh-hoat/", v.my_visits, name="my_visits"),
]
