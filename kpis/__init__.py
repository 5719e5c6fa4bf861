"""KPI datasets: definitions, targets and trajectories, values by period, RAG, trend charts
and import (docs/kpi-import.md)."""
