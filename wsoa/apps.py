from django.apps import AppConfig


class WsoaConfig(AppConfig):
    name = "wsoa"
    verbose_name = "Plans"

    def ready(self):
        # Connects the sign-in signal that starts a session's idle clock.
        from wsoa import sessions  # noqa: F401, PLC0415
