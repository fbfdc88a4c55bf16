"""Planning, preparation, notice, absence notices, tasks and calendar feeds (views_plan).
The cell's meeting list and the member's page are routed in urls.py."""

from django.urls import path

from chibo.meetings import views_plan as v

urlpatterns = [
    path("to-chuc/<str:code>/sinh-hoat/ke-hoach/", v.plan_year_view, name="plan_year"),
    path("to-chuc/<str:code>/sinh-hoat/them/", v.meeting_create_view, name="meeting_create"),
    path("to-chuc/<str:code>/chuyen-de/<int:year>/", v.thematic_plan_view, name="thematic_plan"),
    path("to-chuc/<str:code>/chuyen-de/<int:year>/bao-cao/", v.thematic_plan_report_view, name="thematic_plan_report"),
    path("to-chuc/<str:code>/ke-hoach-chuyen-de/", v.thematic_plans_subtree, name="thematic_plans_subtree"),
    path("to-chuc/<str:code>/chuong-trinh-mau/", v.agenda_template_view, name="agenda_template"),
    path("to-chuc/<str:code>/lich/", v.calendar_token_cell, name="calendar_token_cell"),
    path("cua-toi/lich/", v.calendar_token_member, name="calendar_token_member"),
    path("lich/<str:token>.ics", v.ical_feed, name="ical_feed"),
    path("sinh-hoat/<str:ident>/chuan-bi/", v.meeting_prepare, name="meeting_prepare"),
    path("sinh-hoat/<str:ident>/chuan-bi/thoi-gian/", v.meeting_schedule, name="meeting_schedule"),
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
    path("sinh-hoat/<str:ident>/huy/", v.meeting_cancel, name="meeting_cancel"),
    path("sinh-hoat/<str:ident>/bao-vang/", v.absence_send, name="absence_send"),
    path("sinh-hoat/<str:ident>/bao-vang/rut/", v.absence_withdraw, name="absence_withdraw"),
    path("nhiem-vu/<int:pk>/hoan-thanh/", v.task_done, name="task_done"),
]
