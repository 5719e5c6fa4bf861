"""The plan file format: parse (with `formats.reader`), validate, load, export.

See docs/plan-format.md. Entry points for callers are `formats.plans.services.plan_load` and
`formats.plans.export.plan_export`.
"""
