"""The committees' dashboard and the cells' year-end sheets (the compliance page is routed by chibo.rules.urls)."""

from django.urls import path

from chibo.reports import views, views_fees

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
    # the sổ thu nộp đảng phí of a cell (chibo/fees: the sheet's page; the files print here)
    path("dang-phi/<str:code>/so/<str:month>.<str:fmt>", views_fees.fee_book_month, name="fee_book_month"),
    path("dang-phi/<str:code>/so-nam/<int:year>.<str:fmt>", views_fees.fee_book_year, name="fee_book_year"),
]
