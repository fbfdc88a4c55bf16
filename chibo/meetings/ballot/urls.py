"""Secret ballot pages: the voter's page and the chair's panel."""

from django.urls import path

from chibo.meetings.ballot import views

urlpatterns = [
    path("bo-phieu/<int:vote_id>/", views.ballot_vote, name="ballot_vote"),
    path("bo-phieu/<int:vote_id>/dieu-hanh/", views.ballot_panel, name="ballot_panel"),
    path("bo-phieu/<int:vote_id>/mo/", views.ballot_open, name="ballot_open"),
    path("bo-phieu/<int:vote_id>/dong/", views.ballot_close, name="ballot_close"),
]
