from django.urls import path

from chibo.fees import views

urlpatterns = [
    path("dang-phi/cua-toi/", views.my_fees_page, name="fee_mine"),
    path("dang-phi/tong-hop/<str:code>/", views.totals_page, name="fee_totals"),
    path("dang-phi/<str:code>/", views.ledger_page, name="fee_ledger"),
    path("dang-phi/<str:code>/mien-giam/", views.reliefs_page, name="fee_reliefs"),
    path("dang-phi/<str:code>/mien-giam/<int:pk>/sua/", views.relief_edit, name="fee_relief_edit"),
    path("dang-phi/<str:code>/mien-giam/<int:pk>/xoa/", views.relief_delete, name="fee_relief_delete"),
    path("dang-phi/<str:code>/<str:month>/nhap-excel/", views.import_page, name="fee_import"),
    path("dang-phi/<str:code>/<str:month>/<str:member_code>/", views.record_edit, name="fee_record"),
    path("dang-phi/<str:code>/<str:month>/<str:member_code>/nop/", views.record_pay, name="fee_pay"),
]
