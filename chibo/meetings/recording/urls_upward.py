"""A meeting's dealings with its superior committees: visits recorded on it, recommendations
sent up (views_upward.py)."""

from django.urls import path

from chibo.meetings.recording import views_upward as v

urlpatterns = [
    path("sinh-hoat/<str:ident>/cap-tren/", v.meeting_upward, name="meeting_upward"),
    path("sinh-hoat/<str:ident>/cap-tren/du/", v.visit_add, name="visit_add"),
    path("sinh-hoat/<str:ident>/cap-tren/du/<int:pk>/xoa/", v.visit_remove, name="visit_remove"),
    path("sinh-hoat/<str:ident>/cap-tren/kien-nghi/", v.recommendation_send, name="recommendation_send_meeting"),
]
