"""The plan file format: parse (YAML/JSON with line numbers), validate, load, export.

See docs/plan-format.md. Entry points for callers are in `wsoa.services` (plan_load) and
`wsoa.planfile.export` (plan_export).
"""
