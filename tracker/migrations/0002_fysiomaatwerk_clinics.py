"""The 8 FysioMaatwerk clinics, with the phone numbers printed in leaflet
000_2a37a9ca598844a5.txt."""

from django.db import migrations

CLINICS = [
    # (slug, name as printed in the leaflet, city, phone)
    ("s-hertogenbosch", "FysioMaatwerk \u2019s-Hertogenbosch", "\u2019s-Hertogenbosch", "073-6429572"),
    ("gilze", "FysioMaatwerk Gilze", "Gilze", "0161-453590"),
    ("heeswijk-dinther", "FysioMaatwerk Heeswijk Dinther", "Heeswijk-Dinther", "0413-291431"),
    ("schijndel", "FysioMaatwerk Schijndel", "Schijndel", "073-5475454"),
    ("tilburg", "FysioMaatwerk Tilburg", "Tilburg", "013-4683910"),
    ("uden", "FysioMaatwerk Uden", "Uden", "0413-263002"),
    ("veghel", "FysioMaatwerk Veghel", "Veghel", "0413-365767"),
    ("zeeland", "FysioMaatwerk Zeeland", "Zeeland", "0486-452684"),
]


def forward(apps, schema_editor):
    Clinic = apps.get_model("tracker", "Clinic")
    for slug, name, city, phone in CLINICS:
        Clinic.objects.update_or_create(
            slug=slug, defaults={"name": name, "city": city, "phone": phone}
        )


def backward(apps, schema_editor):
    Clinic = apps.get_model("tracker", "Clinic")
    Clinic.objects.filter(slug__in=[row[0] for row in CLINICS]).delete()


class Migration(migrations.Migration):
    dependencies = [("tracker", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
