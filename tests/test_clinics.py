"""The clinic data migration holds the 8 clinics printed in leaflet 000_2a37a9ca598844a5.txt."""

import pytest

from tracker.models import Clinic

EXPECTED = {
    "FysioMaatwerk \u2019s-Hertogenbosch": "073-6429572",
    "FysioMaatwerk Gilze": "0161-453590",
    "FysioMaatwerk Heeswijk Dinther": "0413-291431",
    "FysioMaatwerk Schijndel": "073-5475454",
    "FysioMaatwerk Tilburg": "013-4683910",
    "FysioMaatwerk Uden": "0413-263002",
    "FysioMaatwerk Veghel": "0413-365767",
    "FysioMaatwerk Zeeland": "0486-452684",
}


@pytest.mark.django_db
def test_the_migration_creates_the_eight_clinics_with_their_phone_numbers():
    assert dict(Clinic.objects.values_list("name", "phone")) == EXPECTED
    assert Clinic.objects.filter(active=True).count() == 8


@pytest.mark.django_db
def test_a_clinic_phone_number_becomes_an_international_tel_link():
    assert Clinic.objects.get(slug="tilburg").phone_uri == "tel:+31134683910"
