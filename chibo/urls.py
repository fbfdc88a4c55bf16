from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from chibo import views as chibo_views

handler400 = "chibo.views.bad_request"
handler403 = "chibo.views.permission_denied"
handler404 = "chibo.views.page_not_found"
handler500 = "chibo.views.server_error"

urlpatterns = [
    path("healthz", chibo_views.healthz, name="healthz"),
    path("", include("chibo.home.urls")),
    path("dang-nhap/", auth_views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("chibo.orgs.urls")),
    path("", include("chibo.rules.urls")),
    path("", include("chibo.supervision.urls")),
    path("", include("chibo.reports.urls")),
    path("", include("chibo.reports.urls_sheets")),  # the committees' scoring sheets (HD 42)
    path("", include("chibo.fees.urls")),
    path("", include("chibo.meetings.urls")),
    path("", include("chibo.accounts.urls")),
    path("", include("chibo.api.urls_account")),  # the account page's API tokens
    path("", include("chibo.reminders.urls")),  # notifications, the account page's reminders
    path("", include("chibo.changelog.urls")),
    path("", include("chibo.help.urls")),
    path("api/", include("chibo.api.urls")),
    path("quan-tri/", admin.site.urls),
]
