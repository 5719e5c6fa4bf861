"""The KPI file formats: the definitions file (YAML, `definitions`) and spreadsheets of values
(CSV or XLSX, `values`). See docs/kpi-import.md."""
