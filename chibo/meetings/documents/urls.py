"""The official documents printed from the record."""

from django.urls import path

from chibo.meetings.documents import views

urlpatterns = [
    path("sinh-hoat/<str:ident>/bien-ban.docx", views.meeting_document,
         {"document": "minutes", "fmt": "docx"}, name="minutes_docx"),
    path("sinh-hoat/<str:ident>/bien-ban.pdf", views.meeting_document,
         {"document": "minutes", "fmt": "pdf"}, name="minutes_pdf"),
    path("sinh-hoat/<str:ident>/nghi-quyet.docx", views.meeting_document,
         {"document": "resolution", "fmt": "docx"}, name="resolution_docx"),
    path("sinh-hoat/<str:ident>/nghi-quyet.pdf", views.meeting_document,
         {"document": "resolution", "fmt": "pdf"}, name="resolution_pdf"),
    path("sinh-hoat/<str:ident>/thong-bao.docx", views.notice_document, {"fmt": "docx"}, name="notice_docx"),
    path("sinh-hoat/<str:ident>/thong-bao.pdf", views.notice_document, {"fmt": "pdf"}, name="notice_pdf"),
    path("to-chuc/<str:code>/so-bien-ban/<int:year>.pdf", views.minutes_book, name="minutes_book"),
]
