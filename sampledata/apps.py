from django.apps import AppConfig


class SampledataConfig(AppConfig):
    """Generated and demo data: the national-scale generator for benchmarks (on top of every
    other app, which none of them imports)."""

    name = "sampledata"
    verbose_name = "Sample data"
