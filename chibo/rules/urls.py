from django.urls import path

from chibo.rules import views

urlpatterns = [
    path("to-chuc/<str:code>/quy-tac/", views.rule_profile, name="rule_profile"),
    path("to-chuc/<str:code>/kiem-tra/", views.org_audit, name="org_audit"),
]
