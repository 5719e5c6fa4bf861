from django.apps import AppConfig


class FormatsConfig(AppConfig):
    name = "formats"
    label = "formats"
    verbose_name = "File formats"
