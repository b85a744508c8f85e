"""Every order signed before public verification existed gets its code.

Apart from 0004 so that PostgreSQL never alters the table and updates its rows in one transaction.
The generator is copied, not imported: a migration must keep doing what it did when it was written.
Their PDFs, signed earlier, keep the QR code of the logged-in page; the new code is shown to the
municipality on that page and by `print_order`, to be passed on to whoever holds the paper.
"""

import secrets

from django.db import migrations

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def give_codes(apps, schema_editor):
    Order = apps.get_model("reports", "Order")
    taken = set(Order.objects.exclude(verification_code=None).values_list("verification_code", flat=True))
    for order in Order.objects.filter(status="signed", verification_code=None).only("pk"):
        code = "".join(secrets.choice(ALPHABET) for _ in range(20))
        while code in taken:
            code = "".join(secrets.choice(ALPHABET) for _ in range(20))
        taken.add(code)
        Order.objects.filter(pk=order.pk).update(verification_code=code)


class Migration(migrations.Migration):
    dependencies = [("reports", "0004_order_verification_code")]

    operations = [migrations.RunPython(give_codes, migrations.RunPython.noop)]
