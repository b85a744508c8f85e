"""Locust's CSV summary → the figures of the JSON line. Pure Python."""

import csv
from pathlib import Path

# The JSON keys and the locust request names behind them (bench/locustfile.py).
P95_KEYS = {
    "dashboard_p95_ms": "dashboard",
    "register_p95_ms": "register",
    "plan_page_p95_ms": "plan_page",
    "school_card_p95_ms": "school_card",
    "director_save_p95_ms": "director_save",
}
TARGETS = {
    **{key: ("<", 150) for key in P95_KEYS},
    "error_rate": ("==", 0),
    "order_pdf_150_rows_s": ("<", 4),
    "import_docx_200_rows_s": ("<", 2),
    "deadline_phrases_per_s": (">", 20000),
}


def read_stats(csv_prefix: Path) -> dict:
    """{request name: {count, failures, median_ms, p95_ms, p99_ms, max_ms}} plus "Aggregated"."""
    stats = {}
    with open(f"{csv_prefix}_stats.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            stats[row["Name"]] = {
                "count": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "median_ms": float(row["Median Response Time"]),
                "p95_ms": float(row["95%"]) if row["95%"] not in ("", "N/A") else None,
                "p99_ms": float(row["99%"]) if row["99%"] not in ("", "N/A") else None,
                "max_ms": float(row["Max Response Time"]),
                "rps": float(row["Requests/s"]),
            }
    return stats


def read_failures(csv_prefix: Path) -> list[dict]:
    path = Path(f"{csv_prefix}_failures.csv")
    if not path.exists():
        return []
    with open(path, encoding="utf-8", newline="") as fh:
        return [{"name": r["Name"], "error": r["Error"], "occurrences": int(r["Occurrences"])} for r in csv.DictReader(fh)]


def p95_figures(stats: dict) -> dict:
    return {key: (stats[name]["p95_ms"] if name in stats else None) for key, name in P95_KEYS.items()}


def error_rate(stats: dict) -> float:
    total = stats.get("Aggregated", {"count": 0, "failures": 0})
    return round(total["failures"] / total["count"], 4) if total["count"] else 1.0


def missed_targets(line: dict) -> list[str]:
    missed = []
    for key, (op, limit) in TARGETS.items():
        value = line.get(key)
        ok = value is not None and {"<": value < limit, ">": value > limit, "==": value == limit}[op]
        if not ok:
            missed.append(f"{key} = {value} (цель {op} {limit})")
    return missed
