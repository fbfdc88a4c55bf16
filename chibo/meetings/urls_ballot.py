"""Secret ballot pages and the official documents printed from the record."""

from django.urls import path

from chibo.meetings import views_ballot, views_docs

urlpatterns = [
    path("bo-phieu/<int:vote_id>/", views_ballot.ballot_vote, name="ballot_vote"),
    path("bo-phieu/<int:vote_id>/dieu-hanh/", views_ballot.ballot_panel, name="ballot_panel"),
    path("bo-phieu/<int:vote_id>/mo/", views_ballot.ballot_open, name="ballot_open"),
    path("bo-phieu/<int:vote_id>/dong/", views_ballot.ballot_close, name="ballot_close"),
    path("sinh-hoat/<str:ident>/bien-ban.docx", views_docs.meeting_document,
         {"document": "minutes", "fmt": "docx"}, name="minutes_docx"),
    path("sinh-hoat/<str:ident>/bien-ban.pdf", views_docs.meeting_document,
         {"document": "minutes", "fmt": "pdf"}, name="minutes_pdf"),
    path("sinh-hoat/<str:ident>/nghi-quyet.docx", views_docs.meeting_document,
         {"document": "resolution", "fmt": "docx"}, name="resolution_docx"),
    path("sinh-hoat/<str:ident>/nghi-quyet.pdf", views_docs.meeting_document,
         {"document": "resolution", "fmt": "pdf"}, name="resolution_pdf"),
    path("to-chuc/<str:code>/so-bien-ban/<int:year>.pdf", views_docs.minutes_book, name="minutes_book"),
]
