from django.urls import path

from chibo.accounts import views as v

urlpatterns = [
    path("tai-khoan/", v.account, name="account"),
    path("tai-khoan/doi-mat-khau/", v.password_change, name="password_change"),
    path("tai-khoan/doi-mat-khau/xong/", v.password_change_done, name="password_change_done"),
    path("quen-mat-khau/", v.password_reset, name="password_reset"),
    path("quen-mat-khau/da-gui/", v.password_reset_done, name="password_reset_done"),
    path("dat-lai-mat-khau/<uidb64>/<token>/", v.password_reset_confirm, name="password_reset_confirm"),
    path("dat-lai-mat-khau/xong/", v.password_reset_complete, name="password_reset_complete"),
    path("tai-khoan/hai-lop/", v.otp_setup, name="otp_setup"),
    path("tai-khoan/xac-thuc/", v.otp_verify, name="otp_verify"),
    path("tai-khoan/lich/", v.my_feeds, name="my_feeds"),
    path("tai-khoan/lich/tat-ca/", v.feeds_admin, name="feeds_admin"),
    path("tai-khoan/lich/<int:pk>/thu-hoi/", v.feed_revoke, name="feed_revoke"),
    path("tai-khoan/lich/<int:pk>/cap-lai/", v.feed_reissue, name="feed_reissue"),
]
