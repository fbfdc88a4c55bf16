"""The account page's API token actions (the section itself is the `api_tokens` template tag)."""

from django.urls import path

from chibo.api import views

urlpatterns = [
    path("tai-khoan/khoa-api/", views.token_create, name="api_token_create"),
    path("tai-khoan/khoa-api/<int:pk>/thu-hoi/", views.token_revoke, name="api_token_revoke"),
]
