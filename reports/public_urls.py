"""Public verification of printed orders, mounted at /verify/ of the site's root (schnor_portal/urls.py).

Not under /orders/: everything there needs a login, and this is the one part of the portal anyone
may open; the short address is also what is printed on paper to be typed by hand.
"""

from django.urls import path

from .views import verification

app_name = "verification"

urlpatterns = [
    path("", verification.code_form, name="code_form"),
    path("<str:code>/", verification.order_check, name="order_check"),
]
