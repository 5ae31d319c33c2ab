import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import tracker.phones


def unaccent_extension(apps, schema_editor):
    """The caseload search ignores accents: PostgreSQL needs its unaccent extension
    (a trusted extension: the database owner may create it). SQLite gets a Python
    function per connection instead (tracker.apps)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0005_rules_version_2"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(unaccent_extension, migrations.RunPython.noop),
        # Acknowledging an alert becomes a contact record: what was done, a note.
        migrations.RenameModel("AlertAcknowledgement", "ContactRecord"),
        migrations.AlterModelOptions(
            name="contactrecord",
            options={
                "ordering": ["-acknowledged_at", "-pk"],
                "verbose_name": "contactmoment",
                "verbose_name_plural": "contactmomenten",
            },
        ),
        migrations.AlterField(
            model_name="contactrecord",
            name="episode",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="contacts",
                to="tracker.episode",
                verbose_name="episode",
            ),
        ),
        migrations.AlterField(
            model_name="contactrecord",
            name="user",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="fysiotherapeut",
            ),
        ),
        migrations.AlterField(
            model_name="contactrecord",
            name="acknowledged_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="tijdstip"
            ),
        ),
        migrations.AddField(
            model_name="contactrecord",
            name="action",
            field=models.CharField(
                blank=True,
                choices=[
                    ("called", "gebeld"),
                    ("emailed", "gemaild"),
                    ("appointment", "afspraak gemaakt"),
                    ("no_answer", "geen gehoor"),
                    ("not_needed", "niet nodig"),
                ],
                max_length=20,
                verbose_name="wat er is gedaan",
            ),
        ),
        migrations.AddField(
            model_name="contactrecord",
            name="note",
            field=models.CharField(blank=True, max_length=300, verbose_name="notitie"),
        ),
        migrations.AddConstraint(
            model_name="contactrecord",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "action__in",
                        ["called", "emailed", "appointment", "no_answer", "not_needed", ""],
                    )
                ),
                name="contact_action_known",
            ),
        ),
        # Whom to call: the GP post per clinic, the patient's GP and own number.
        migrations.AddField(
            model_name="clinic",
            name="gp_post_phone",
            field=models.CharField(
                blank=True,
                help_text="De huisartsenpost van de regio, voor avond, nacht en weekend.",
                max_length=20,
                validators=[tracker.phones.validate_phone],
                verbose_name="telefoonnummer huisartsenpost",
            ),
        ),
        migrations.AlterField(
            model_name="clinic",
            name="phone",
            field=models.CharField(
                max_length=20,
                validators=[tracker.phones.validate_phone],
                verbose_name="telefoonnummer",
            ),
        ),
        migrations.AddField(
            model_name="patient",
            name="gp_name",
            field=models.CharField(blank=True, max_length=100, verbose_name="huisartspraktijk"),
        ),
        migrations.AddField(
            model_name="patient",
            name="gp_phone",
            field=models.CharField(
                blank=True,
                max_length=20,
                validators=[tracker.phones.validate_phone],
                verbose_name="telefoonnummer huisarts",
            ),
        ),
        migrations.AddField(
            model_name="patient",
            name="phone",
            field=models.CharField(
                blank=True,
                max_length=20,
                validators=[tracker.phones.validate_phone],
                verbose_name="telefoonnummer",
            ),
        ),
        # Red flags: what happened when resolved, the email, the clinic's acknowledgement.
        migrations.AddField(
            model_name="redflagreport",
            name="resolution",
            field=models.CharField(
                blank=True,
                choices=[
                    ("seen_doctor", "Ik heb een arts gesproken"),
                    ("mistake", "Ik had het per vergissing aangevinkt"),
                    ("gone", "De klacht is vanzelf weggegaan"),
                ],
                max_length=20,
                verbose_name="wat er gebeurde",
            ),
        ),
        migrations.AddField(
            model_name="redflagreport",
            name="notified_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="fysiotherapeut gemaild"
            ),
        ),
        migrations.AddField(
            model_name="redflagreport",
            name="acknowledged_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="gezien door fysiotherapeut"
            ),
        ),
        migrations.AddConstraint(
            model_name="redflagreport",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("resolution", ""),
                    models.Q(
                        ("resolution__in", ["seen_doctor", "mistake", "gone"]),
                        ("resolved_at__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="red_flag_resolution_when_resolved",
            ),
        ),
        # The daily digest for staff.
        migrations.AddField(
            model_name="user",
            name="digest",
            field=models.BooleanField(
                default=True, verbose_name="dagelijks overzicht van nieuwe meldingen per e-mail"
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="digest_sent_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="laatste overzicht"),
        ),
        migrations.CreateModel(
            name="CaseloadVisit",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("seen_at", models.DateTimeField()),
                (
                    "clinic",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="tracker.clinic",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("user", "clinic"), name="caseload_visit_once"
                    )
                ]
            },
        ),
    ]
