from django.apps import AppConfig


class WsoaConfig(AppConfig):
    name = "wsoa"
    verbose_name = "Plans"
