#!/usr/bin/env python
"""Time and memory of the plan, list and results imports on every bad file of their bad-input tests.

The files are those of tests/faults/test_import_bad_input.py (plans, lists) and
tests/monitoring/results/test_import_bad_input.py (results).

Each file is parsed in a process of its own (the upload check and the parser the upload page
runs, no database), so the peak memory is that file's alone. It passes when every file is
refused within the budget: --seconds (default 10) and --megabytes of peak resident memory
(default 300; an idle Django process here is ~70 MB).

    .venv/bin/python bench/faults/import_budgets.py
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


# Refused by the upload form before any parser runs (the name, not the content): not timed here.
FORM_ONLY = {"wrong-extension"}


def parse_one(kind, path):
    """In the child: read the file, run the import's checks and parser, report what it said."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schnor_portal.settings_test")
    import django

    django.setup()
    data = Path(path).read_bytes()
    started = time.perf_counter()
    message = ""
    try:
        if kind == "plan":
            from roadmaps.import_services import plan_file_parse

            plan_file_parse(data=data)
        elif kind == "results":
            from monitoring.results.importers.sheets import read_workbook
            from monitoring.results.importers.workbook import parse_results
            from schnor_portal.xlsx import check_zip_upload

            check_zip_upload(data)
            result = parse_results(read_workbook(data), schools=[], procedure="ege")
            message = " ".join(result.errors)[:300]
        else:
            from schnor_portal.xlsx import open_workbook
            from schools.lists.importer import parse_school_list, workbook_rows

            workbook = open_workbook(data)
            try:
                sheets = workbook_rows(workbook)
            finally:
                workbook.close()
            result = parse_school_list(sheets, schools=[], category="shnor", list_label="")
            message = " ".join(result.file_errors + [e for row in result.rows for e in row.errors])[:300]
    except Exception as error:  # noqa: BLE001 — what the page would show
        message = str(error)
    print(json.dumps({
        "seconds": round(time.perf_counter() - started, 2),
        "peak_mb": _peak_mb(),
        "file_kb": round(len(data) / 1024),
        "message": message[:160],
    }, ensure_ascii=False))


def _peak_mb():
    """This process's peak resident memory. Not ru_maxrss: Linux carries that over exec from the
    parent that forked us (the script, which built a 150 MB bomb); VmHWM starts afresh with exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        return parse_one(sys.argv[2], sys.argv[3])
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--megabytes", type=float, default=300)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schnor_portal.settings_test")
    import tempfile

    import django

    django.setup()
    from tests.faults.test_import_bad_input import LIST_CASES, PLAN_CASES
    from tests.monitoring.results.test_import_bad_input import CASES as RESULTS_CASES

    work = Path(tempfile.mkdtemp(prefix="schnor-import-budgets-"))
    results, ok = [], True
    print(f"{'импорт':<6} {'случай':<22} {'файл, КБ':>9} {'с':>6} {'МБ':>5}  сообщение")
    for kind, cases in (("plan", PLAN_CASES), ("list", LIST_CASES), ("results", RESULTS_CASES)):
        for case in sorted(set(cases) - FORM_ONLY):
            # Built here, so that the child's peak memory is the parser's, not the builder's.
            path = work / f"{kind}-{case}"
            path.write_bytes(cases[case][0]())
            done = subprocess.run([sys.executable, __file__, "--child", kind, str(path)], capture_output=True, text=True,
                                  cwd=ROOT, timeout=600)
            path.unlink()
            row = json.loads(done.stdout.strip().splitlines()[-1])
            row.update(kind=kind, case=case)
            row["within_budget"] = row["seconds"] <= args.seconds and row["peak_mb"] <= args.megabytes and bool(row["message"])
            ok &= row["within_budget"]
            results.append(row)
            print(f"{kind:<6} {case:<22} {row['file_kb']:>9} {row['seconds']:>6} {row['peak_mb']:>5}  {row['message'][:90]}")
    print(json.dumps({"scenario": "import_budgets", "budget": {"seconds": args.seconds, "peak_mb": args.megabytes},
                      "cases": len(results), "over_budget": [r["case"] for r in results if not r["within_budget"]],
                      "ok": ok}, ensure_ascii=False))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
