from django.conf import settings
from django.core.checks import Error, register


@register(deploy=True)
def secret_key_set(app_configs, **kwargs):
    if not settings.SECRET_KEY or settings.SECRET_KEY.startswith("chibo-development-only"):
        return [Error("SECRET_KEY chưa được đặt cho môi trường sản xuất.", id="chibo.E001")]
    return []
