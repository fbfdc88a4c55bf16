from django.urls import path

from chibo.reminders import views

urlpatterns = [
    path("nhac-viec/", views.notification_list, name="notifications"),
    path("nhac-viec/<int:pk>/mo/", views.notification_open, name="notification_open"),
    path("nhac-viec/da-xem/", views.notifications_read_all, name="notifications_read_all"),
    path("tai-khoan/nhac-viec/", views.preferences_save, name="reminder_preferences"),
]
