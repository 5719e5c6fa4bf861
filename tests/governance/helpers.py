"""Read dashboard data (live or from a board pack) the way a board member reads it."""


def code_of(dash, level_id):
    return dash["levels"][str(level_id)]["code"] if level_id is not None else "UNRATED"


def matrix(dash, plan_index=0):
    """{concern number: {level code: count, "TOTAL": n}, "TOTAL": {code: count, "TOTAL": n}}"""
    plan = dash["plans"][plan_index]
    table = {}
    for row in plan["rows"]:
        counts = {code_of(dash, c["level"]): c["count"] for c in row["cells"]}
        counts["TOTAL"] = row["total"]
        table[row["number"]] = counts
    totals = {code_of(dash, c["level"]): c["count"] for c in plan["totals"]}
    totals["TOTAL"] = plan["total"]
    table["TOTAL"] = totals
    return table


def refs(rows):
    return [row["ref"] for row in rows]


def row_counts(**counts):
    """A matrix row from keyword counts; unnamed levels are 0."""
    row = dict.fromkeys(("RED", "AMBER", "LIGHT GREEN", "DARK GREEN", "COMPLETED"), 0)
    row["PROPOSED"] = 0  # completion proposed, not yet signed off: never counted as complete
    row["UNRATED"] = 0
    for key, value in counts.items():
        row[key.replace("_", " ").upper()] = value
    row["TOTAL"] = sum(v for k, v in row.items())
    return row
