"""On a phone (390 × 844) the portal's widest pages fit the screen: wide tables scroll inside their own
focusable, labelled region (axe: scrollable-region-focusable), the page itself never sideways."""

import json

import pytest
from django.urls import reverse

from roadmaps.models import Plan
from schnor_portal.demo.loader import load_demo

PHONE = {"width": 390, "height": 844}

# What sticks out past the right edge of the screen, to name it when the page is too wide.
WIDER_THAN_SCREEN = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 1 && box.width > 0) {
      let scrolled = false;
      for (let p = el.parentElement; p; p = p.parentElement) {
        const style = getComputedStyle(p);
        if (['auto', 'scroll', 'hidden'].includes(style.overflowX) && p !== document.body && p !== document.documentElement) { scrolled = true; break; }
      }
      if (!scrolled || getComputedStyle(el).position === 'absolute') out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + '.' + [...el.classList].join('.') + ' ' + Math.round(box.right));
    }
  }
  return out.slice(0, 15);
}"""

# Every region that scrolls sideways: whether it can take the keyboard focus and has a name.
SCROLL_REGIONS = """() => [...document.querySelectorAll('body *')]
  .filter(el => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX) && el.scrollWidth > el.clientWidth + 1)
  .map(el => ({tag: el.tagName.toLowerCase(), cls: el.className, tabindex: el.getAttribute('tabindex'),
               role: el.getAttribute('role'), label: el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')}))"""


@pytest.fixture
def demo(transactional_db):
    load_demo()


def _login(phone, live_server, username):
    phone.goto(live_server.url + "/accounts/login/")
    phone.fill("#id_username", username)
    phone.fill("#id_password", "demo")
    phone.click("button[type=submit]")
    phone.wait_for_url(live_server.url + "/")


def _pages():
    plan = Plan.objects.get(municipality__name__startswith="Русско-Полянский", status=Plan.Status.APPROVED, replaces__isnull=False)
    return [
        ("coordinator", "/", "home_coordinator"),
        ("coordinator", reverse("roadmaps:plan_detail", args=[plan.pk]), "plan"),
        ("coordinator", reverse("monitoring:dashboard"), "dashboard"),
        ("coordinator", reverse("monitoring:register"), "register"),
        ("director", "/", "home_director"),
        ("director", reverse("monitoring:my_school"), "my_school"),
        ("curator", "/", "home_curator"),
        ("chair", "/", "home_chair"),
    ]


def test_the_widest_pages_fit_a_phone(demo, live_server, browser, screenshot):
    failures = {}
    logged_in = {}
    for username, path, name in _pages():
        context = logged_in.get(username)
        if context is None:
            context = logged_in[username] = browser.new_context(viewport=PHONE, locale="ru-RU")
            _login(context.new_page(), live_server, username)
        phone = context.pages[0]
        phone.goto(live_server.url + path)
        width = phone.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            failures[name] = (width, phone.evaluate(WIDER_THAN_SCREEN))
        for region in phone.evaluate(SCROLL_REGIONS):
            if region["tag"] in ("html", "body"):
                continue
            if region["tabindex"] != "0" or not region["label"] or region["role"] != "region":
                failures.setdefault(f"{name}: scroll region", []).append(region)
        screenshot(phone, f"phone_{name}")
    for context in logged_in.values():
        context.close()
    assert not failures, json.dumps(failures, ensure_ascii=False, indent=1)
