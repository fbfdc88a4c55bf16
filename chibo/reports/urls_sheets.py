"""A committee's scoring sheets (chibo/reports/views_sheets.py)."""

from django.urls import path

from chibo.reports import views_sheets

urlpatterns = [
    path("to-chuc/<str:code>/phieu-cham/", views_sheets.sheet_list, name="sheet_list"),
    path("to-chuc/<str:code>/phieu-cham/moi/", views_sheets.sheet_edit, name="sheet_new"),
    path("to-chuc/<str:code>/phieu-cham/<str:sheet_code>/", views_sheets.sheet_edit, name="sheet_edit"),
]
