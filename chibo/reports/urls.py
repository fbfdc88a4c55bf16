"""The committees' dashboard (the compliance page is routed by chibo.rules.urls)."""

from django.urls import path

from chibo.reports import views

urlpatterns = [
    path("to-chuc/<str:code>/bang-theo-doi/", views.dashboard_page, name="dashboard"),
    path("to-chuc/<str:code>/bang-theo-doi/bao-cao.xlsx", views.dashboard_download, {"fmt": "xlsx"},
         name="dashboard_xlsx"),
    path("to-chuc/<str:code>/bang-theo-doi/bao-cao.pdf", views.dashboard_download, {"fmt": "pdf"},
         name="dashboard_pdf"),
]
