"""The import-linter contracts (.importlinter) hold on the tree, and break when an import breaks them.

`make test` runs `lint-imports` before pytest; these tests prove the contracts are not vacuous: a copy
of the tree with one bad import added must fail on the contract that forbids it.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("accounts", "clusters", "monitoring", "reports", "roadmaps", "schnor_portal", "schools")
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint(root: Path, *contracts: str) -> subprocess.CompletedProcess:
    args = [str(LINT_IMPORTS), "--no-cache"] + [f"--contract={c}" for c in contracts]
    return subprocess.run(args, cwd=root, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def tree(tmp_path):
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    return tmp_path


def add_import(root: Path, module: str, line: str):
    path = root / (module.replace(".", "/") + ".py")
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}  # noqa\n", encoding="utf-8")


def test_the_tree_keeps_every_contract():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        # a selector reaching up into a view of its own concept
        ("monitoring.control.selectors", "from monitoring.control.views import dashboard", "concept-layers"),
        # a service of one concept calling another app's page
        ("clusters.services", "from roadmaps.views import plans", "no-views-below"),
        # a model reaching into services
        ("roadmaps.models", "from monitoring.control import services", "models-below-logic"),
        # the deadline engine growing a Django dependency
        ("roadmaps.deadlines", "from django.utils import timezone", "pure-engines"),
        # the results parser reaching the ORM through a model
        ("monitoring.results.importers.cells", "from schools.models import School", "pure-engines"),
        # monitoring driving plan writes: the cycle the plan sync must not grow
        ("monitoring.control.workflow", "from roadmaps.services import plan_approve", "plans-drive-control"),
        # an app below orders reading them
        ("roadmaps.selectors", "from reports.models import Order", "orders-on-top"),
    ],
)
def test_a_bad_import_breaks_its_contract(tree, module, line, contract):
    assert lint(tree, contract).returncode == 0  # kept before the import is added
    add_import(tree, module, line)
    result = lint(tree, contract)
    assert result.returncode == 1, result.stdout
    assert "1 broken" in result.stdout
