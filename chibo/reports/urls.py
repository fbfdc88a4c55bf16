"""The committees' dashboard and the cells' year-end sheets (the compliance page is routed by chibo.rules.urls)."""

from django.urls import path

from chibo.reports import views

urlpatterns = [
    path("to-chuc/<str:code>/bang-theo-doi/", views.dashboard_page, name="dashboard"),
    path("to-chuc/<str:code>/bang-theo-doi/bao-cao.xlsx", views.dashboard_download, {"fmt": "xlsx"},
         name="dashboard_xlsx"),
    path("to-chuc/<str:code>/bang-theo-doi/bao-cao.pdf", views.dashboard_download, {"fmt": "pdf"},
         name="dashboard_pdf"),
    path("to-chuc/<str:code>/tong-hop/<int:year>/", views.year_sheet_page, name="year_sheet"),
    path("to-chuc/<str:code>/tong-hop/<int:year>/tong-hop.xlsx", views.year_sheet_download, {"fmt": "xlsx"},
         name="year_sheet_xlsx"),
    path("to-chuc/<str:code>/tong-hop/<int:year>/tong-hop.pdf", views.year_sheet_download, {"fmt": "pdf"},
         name="year_sheet_pdf"),
]
