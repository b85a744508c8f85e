"""axe-core in Chromium on every page each role reaches from the menu: no serious or critical WCAG 2.1
A/AA violation (ГОСТ Р 52872-2019).

axe-core 4.14.1 is vendored from the npm registry (tests/browser/vendor/axe.min.js, MPL-2.0, its
header kept): CI has no network but the registries, and the check must not depend on a CDN.
"""

from pathlib import Path

import pytest

from schnor_portal.demo.loader import load_demo

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
RUN = """
axe.run(document, {runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}).then(result =>
  result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | ")}`))
"""
ROLES = ["coordinator", "chair", "curator", "director"]


def violations(page):
    page.evaluate(AXE)
    return page.evaluate(RUN)


def menu_links(page, base):
    hrefs = page.eval_on_selector_all(
        "nav.navbar a.nav-link[href], nav.navbar a.dropdown-item[href]", "els => els.map(e => e.getAttribute('href'))"
    )
    return [h for h in dict.fromkeys(hrefs) if h.startswith("/") and not h.startswith("/admin")]


@pytest.fixture
def demo(transactional_db):
    load_demo()


def test_no_page_of_any_role_has_a_serious_violation(demo, live_server, page):
    found = {}
    page.goto(live_server.url + "/accounts/login/")
    found["login"] = violations(page)
    for role in ROLES:
        page.context.clear_cookies()
        page.goto(live_server.url + "/accounts/login/")
        page.fill("#id_username", role)
        page.fill("#id_password", "demo")
        page.click("button[type=submit]")
        page.wait_for_url(live_server.url + "/")
        pages = menu_links(page, live_server.url)
        page.goto(live_server.url + "/plans/")
        plan = page.locator("table a[href^='/plans/']").first.get_attribute("href")
        pages += [plan, plan + "timeline/", plan + "timeline/?group=school"]
        for path in dict.fromkeys(pages):
            page.goto(live_server.url + path)
            found[f"{role} {path}"] = violations(page)
    failures = {where: found[where] for where in found if found[where]}
    assert len(found) > 20  # the walk reached the pages, not only the login
    assert not failures, "\n".join(f"{where}: {v}" for where, items in failures.items() for v in items)
