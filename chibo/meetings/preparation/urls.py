"""Preparing a meeting (schedule, agenda, thematic preparation, contributions, documents), its
notice and cancelling; the member's page, absence notices and tasks reported done."""

from django.urls import path

from chibo.meetings.preparation import views as v
from chibo.meetings.preparation import views_hd42

urlpatterns = [
    path("cua-toi/", v.my_page, name="my_page"),
    path("sinh-hoat/<str:ident>/chuan-bi/", v.meeting_prepare, name="meeting_prepare"),
    path("sinh-hoat/<str:ident>/chuan-bi/thoi-gian/", v.meeting_schedule, name="meeting_schedule"),
    path("sinh-hoat/<str:ident>/chuan-bi/hd42/", views_hd42.meeting_hd42_prep, name="meeting_hd42_prep"),
    path("sinh-hoat/<str:ident>/chuan-bi/dang-ket-qua/", views_hd42.meeting_results_posted,
         name="meeting_results_posted"),
    path("sinh-hoat/<str:ident>/chuan-bi/chuong-trinh/", v.agenda_edit, name="agenda_edit"),
    path("sinh-hoat/<str:ident>/chuan-bi/chuong-trinh/lay-mau/", v.agenda_reset, name="agenda_reset"),
    path("sinh-hoat/<str:ident>/chuan-bi/chuyen-de/", v.thematic_prep_edit, name="thematic_prep_edit"),
    path("sinh-hoat/<str:ident>/chuan-bi/chuyen-de/duyet/", v.thematic_prep_approve, name="thematic_prep_approve"),
    path("sinh-hoat/<str:ident>/chuan-bi/chuyen-de/bai-de-dan/", v.presentation_download,
         name="presentation_download"),
    path("sinh-hoat/<str:ident>/chuan-bi/tham-luan/", v.contribution_add, name="contribution_add"),
    path("sinh-hoat/<str:ident>/chuan-bi/tham-luan/<int:pk>/xoa/", v.contribution_delete,
         name="contribution_delete"),
    path("sinh-hoat/<str:ident>/tai-lieu/", v.document_upload, name="document_upload"),
    path("sinh-hoat/<str:ident>/tai-lieu/<int:pk>/", v.document_download, name="document_download"),
    path("sinh-hoat/<str:ident>/tai-lieu/<int:pk>/xoa/", v.document_delete, name="document_delete"),
    path("sinh-hoat/<str:ident>/thong-bao/", v.notice_view, name="notice_send"),
    path("sinh-hoat/<str:ident>/thong-bao/ban-in/", v.notice_paper, name="notice_paper"),
    path("sinh-hoat/<str:ident>/huy/", v.meeting_cancel, name="meeting_cancel"),
    path("sinh-hoat/<str:ident>/bao-vang/", v.absence_send, name="absence_send"),
    path("sinh-hoat/<str:ident>/bao-vang/rut/", v.absence_withdraw, name="absence_withdraw"),
    path("nhiem-vu/<int:pk>/hoan-thanh/", v.task_done, name="task_done"),
]
