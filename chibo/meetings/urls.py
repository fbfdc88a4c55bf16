"""The meetings app's routes, one module per sub-package (URL names and paths are the app's
public interface: templates and tests reverse them)."""

from django.urls import include, path

urlpatterns = [
    path("", include("chibo.meetings.planning.urls")),
    path("", include("chibo.meetings.planning.urls_visits")),
    path("", include("chibo.meetings.preparation.urls")),
    path("", include("chibo.meetings.recording.urls")),
    path("", include("chibo.meetings.recording.urls_upward")),
    path("", include("chibo.meetings.documents.urls")),
    path("", include("chibo.meetings.ballot.urls")),
]
