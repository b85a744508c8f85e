# The note an order imported from Word keeps: what the importer did not recognise (issue 18).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0007_appendix_approvals'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalorder',
            name='import_note',
            field=models.TextField(blank=True, editable=False, help_text='Части файла, которые не распознаны при загрузке, и предупреждения — с местом в файле.', verbose_name='заметка о загрузке из файла'),
        ),
        migrations.AddField(
            model_name='order',
            name='import_note',
            field=models.TextField(blank=True, editable=False, help_text='Части файла, которые не распознаны при загрузке, и предупреждения — с местом в файле.', verbose_name='заметка о загрузке из файла'),
        ),
    ]
