"""The cell's meeting list and year plan, meetings added by hand, the thematic plan, the agenda
template and the calendar feeds."""

from django.urls import path

from chibo.meetings.planning import views as v

urlpatterns = [
    path("to-chuc/<str:code>/sinh-hoat/", v.meeting_list, name="meeting_list"),
    path("to-chuc/<str:code>/sinh-hoat/ke-hoach/", v.plan_year_view, name="plan_year"),
    path("to-chuc/<str:code>/sinh-hoat/them/", v.meeting_create_view, name="meeting_create"),
    path("to-chuc/<str:code>/chuyen-de/<int:year>/", v.thematic_plan_view, name="thematic_plan"),
    path("to-chuc/<str:code>/chuyen-de/<int:year>/bao-cao/", v.thematic_plan_report_view, name="thematic_plan_report"),
    path("to-chuc/<str:code>/ke-hoach-chuyen-de/", v.thematic_plans_subtree, name="thematic_plans_subtree"),
    path("to-chuc/<str:code>/chuong-trinh-mau/", v.agenda_template_view, name="agenda_template"),
    path("to-chuc/<str:code>/lich/", v.calendar_token_cell, name="calendar_token_cell"),
    path("cua-toi/lich/", v.calendar_token_member, name="calendar_token_member"),
    path("lich/<str:token>.ics", v.ical_feed, name="ical_feed"),
]
