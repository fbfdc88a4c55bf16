from django.urls import include, path

from chibo.meetings import views_plan

urlpatterns = [
    path("to-chuc/<str:code>/sinh-hoat/", views_plan.meeting_list, name="meeting_list"),
    path("cua-toi/", views_plan.my_page, name="my_page"),
    path("", include("chibo.meetings.recording.urls")),
    path("", include("chibo.meetings.urls_plan")),
    path("", include("chibo.meetings.documents.urls")),
    path("", include("chibo.meetings.ballot.urls")),
]
