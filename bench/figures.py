"""Locust's CSV summary → the figures of the JSON line. Pure Python."""

import csv
import json
from pathlib import Path

# The JSON keys and the locust request names behind them (bench/locustfile.py).
P95_KEYS = {
    "dashboard_p95_ms": "dashboard",
    "register_p95_ms": "register",
    "plan_page_p95_ms": "plan_page",
    "school_card_p95_ms": "school_card",
    "director_save_p95_ms": "director_save",
    "region_cabinet_p95_ms": "region_cabinet",
    "region_dashboard_p95_ms": "region_dashboard",
    "region_register_p95_ms": "region_register",
}
# Pages only the region's viewer opens: no figure when it is not among the users (BENCH_REGION=0)
# or the checkout has no cabinet, which is not a missed target.
REGION_KEYS = ("region_cabinet_p95_ms", "region_dashboard_p95_ms", "region_register_p95_ms")
# The busy hour of the issue (1–3 s between actions, 150 users) holds every p95 under 300 ms.
STRESS_P95_MS = 300
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


def users_that_ran(path: Path) -> dict:
    """{"logged_in": users that logged in and ran, "login_failed": …} as locustfile wrote them."""
    try:
        written = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"logged_in": 0, "login_failed": None}
    return {"logged_in": int(written["logged_in"]), "login_failed": int(written["login_failed"])}


def missed_targets(line: dict, wait: str = "3,8") -> list[str]:
    """Targets the line misses; the p95 limit is STRESS_P95_MS for the stress pace (under 3 s)."""
    stress = float(wait.split(",")[0]) < 3
    missed = []
    for key, (op, limit) in TARGETS.items():
        value = line.get(key)
        if key in REGION_KEYS and value is None:
            continue
        if key in P95_KEYS and stress:
            limit = STRESS_P95_MS
        ok = value is not None and {"<": value < limit, ">": value > limit, "==": value == limit}[op]
        if not ok:
            missed.append(f"{key} = {value} (цель {op} {limit})")
    return missed
