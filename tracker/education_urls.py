from django.urls import path

from tracker import education_views as views

app_name = "education"

urlpatterns = [
    path("", views.index, name="index"),
    path("wat-is-lage-rugpijn/", views.what_is, name="what_is"),
    path("beloop/", views.course, name="course"),
    path("wat-helpt/", views.what_helps, name="what_helps"),
    path("rontgenfoto/", views.xray, name="xray"),
    path("hulp-zoeken/", views.seek_help, name="seek_help"),
    path("voorkomen/", views.prevention, name="prevention"),
    path("praktijken/", views.clinics, name="clinics"),
]
