"""The meeting page, the live recording page, its autosave endpoints, finalization, amendments
and scores."""

from django.urls import path

from chibo.meetings.recording import views, views_quality

urlpatterns = [
    path("sinh-hoat/<str:ident>/", views.meeting_detail, name="meeting_detail"),
    path("sinh-hoat/<str:ident>/ghi/", views.meeting_record, name="meeting_record"),
    path("sinh-hoat/<str:ident>/ghi/kiem-tra/", views.record_status, name="record_status"),
    path("sinh-hoat/<str:ident>/ghi/thong-tin/", views.record_field, name="record_field"),
    path("sinh-hoat/<str:ident>/ghi/diem-danh/", views.record_attendance, name="record_attendance"),
    path("sinh-hoat/<str:ident>/ghi/khach-moi/", views.record_guest, name="record_guest"),
    path("sinh-hoat/<str:ident>/ghi/phat-bieu/", views.record_speech, name="record_speech"),
    path("sinh-hoat/<str:ident>/ghi/bieu-quyet/", views.record_vote, name="record_vote"),
    path("sinh-hoat/<str:ident>/ghi/nhiem-vu/", views.record_task, name="record_task"),
    path("sinh-hoat/<str:ident>/da-hop/", views.meeting_mark_held, name="meeting_mark_held"),
    path("sinh-hoat/<str:ident>/hoan-tat/", views.meeting_finalize, name="meeting_finalize"),
    path("sinh-hoat/<str:ident>/dinh-chinh/", views.meeting_amend, name="meeting_amend"),
    path("sinh-hoat/<str:ident>/danh-gia/", views.meeting_scores, name="meeting_scores"),
    path("sinh-hoat/<str:ident>/danh-gia/thong-qua/", views.meeting_scores_adopt, name="meeting_scores_adopt"),
    path("sinh-hoat/<str:ident>/danh-gia/xac-nhan/", views.meeting_scores_confirm, name="meeting_scores_confirm"),
    path("sinh-hoat/<str:ident>/ghi/cham-diem/", views_quality.record_quality, name="record_quality"),
    path("sinh-hoat/<str:ident>/cham-diem/thong-qua/", views_quality.quality_adopt, name="quality_adopt"),
    path("sinh-hoat/<str:ident>/cham-diem/xep-loai/", views_quality.quality_confirm, name="quality_confirm"),
]
