from django.urls import path

from chibo.orgs import views, views_accounts

urlpatterns = [
    path("to-chuc/", views.org_tree, name="org_tree"),
    path("to-chuc/them/", views.org_create, name="org_create"),
    path("to-chuc/<str:code>/", views.org_detail, name="org_detail"),
    path("to-chuc/<str:code>/sua/", views.org_edit, name="org_edit"),
    path("to-chuc/<str:code>/them-dang-vien/", views.member_create, name="member_create"),
    path("to-chuc/<str:code>/nhap-excel/", views.member_import_view, name="member_import"),
    path("nhap-excel/mau-dang-vien.xlsx", views.member_import_template, name="member_import_template"),
    path("dang-vien/", views.member_list, name="member_list"),
    path("dang-vien/<str:code>/", views.member_detail, name="member_detail"),
    path("dang-vien/<str:code>/sua/", views.member_edit, name="member_edit"),
    path("dang-vien/<str:code>/chuyen-sinh-hoat/", views.member_transfer, name="member_transfer"),
    path("dang-vien/<str:code>/mien-vang/", views.period_add, name="period_add"),
    path("dang-vien/<str:code>/chuc-vu/", views.position_add, name="position_add"),
]

# Roles and logins from the member's page (chibo/orgs/views_accounts.py)
urlpatterns += [
    path("dang-vien/<str:code>/vai-tro/", views_accounts.role_add, name="member_role_add"),
    path("dang-vien/<str:code>/vai-tro/<int:pk>/thu-hoi/", views_accounts.role_remove, name="member_role_remove"),
    path("dang-vien/<str:code>/tai-khoan/tao/", views_accounts.login_create, name="member_login_create"),
    path("dang-vien/<str:code>/tai-khoan/khoa/", views_accounts.login_disable, name="member_login_disable"),
    path("dang-vien/<str:code>/tai-khoan/mo-khoa/", views_accounts.login_enable, name="member_login_enable"),
]
