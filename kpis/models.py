"""KPI definitions, targets and values (to come: see the KPI dataset issue)."""
