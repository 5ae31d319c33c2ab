"""One filter for the hand-written check-in form: a field's widget with Bootstrap's
classes, as crispy-forms' Bootstrap 5 pack would render it.

The daily check-in is the page patients open most, and crispy-forms' layout
machinery was almost half of its time, so its fields are written out in
``templates/includes/_field.html``; every other form still uses crispy-forms.
Django adds ``aria-invalid`` and ``aria-describedby`` (the error's id) itself.
"""

from django import forms, template

register = template.Library()

_CLASSES = {  # widget: Bootstrap classes (with crispy-forms' own input-type class)
    forms.CheckboxInput: "checkboxinput form-check-input",
    forms.Select: "select form-select",
    forms.Textarea: "textarea form-control",
    forms.NumberInput: "numberinput form-control",
    forms.DateInput: "dateinput form-control",
}


@register.filter
def bootstrap_widget(field: forms.BoundField) -> str:
    """The widget of ``field`` with its Bootstrap classes, and ``is-invalid`` when
    the field has errors."""
    css = next(
        (css for widget, css in _CLASSES.items() if isinstance(field.field.widget, widget)),
        "form-control",
    )
    if field.errors:
        css += " is-invalid"
    return field.as_widget(attrs={"class": css})
