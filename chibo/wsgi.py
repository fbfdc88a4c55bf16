import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chibo.settings")
application = get_wsgi_application()

from django.conf import settings  # noqa: E402

if settings.SECRET_KEY_MISSING:
    raise ImproperlyConfigured("Thiếu SECRET_KEY: đặt biến môi trường SECRET_KEY trước khi chạy máy chủ.")
