from django.apps import AppConfig
from django.db.backends.signals import connection_created


class OrgsConfig(AppConfig):
    name = "chibo.orgs"
    label = "orgs"
    verbose_name = "Tổ chức và đảng viên"

    def ready(self):
        from chibo.prepared import keep_prepared_statements

        connection_created.connect(keep_prepared_statements, dispatch_uid="chibo.prepared_statements")
