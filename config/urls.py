from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from tracker import account_views, errors, language
from tracker.views import LoginView

urlpatterns = [
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("2fa/", account_views.two_factor, name="two_factor"),
    path("password/", account_views.password_change, name="password_change"),
    path("password/forgot/", account_views.password_reset, name="password_reset"),
    path("password/forgot/sent/", account_views.password_reset_done, name="password_reset_done"),
    path(
        "password/new/<uidb64>/<token>/",
        account_views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("i18n/setlang/", language.set_language, name="set_language"),
    path("healthz", errors.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("advies/", include("tracker.education_urls")),
    path("", include("tracker.urls")),
]

handler500 = "tracker.errors.server_error"
