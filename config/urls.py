from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from tracker import account_views, errors
from tracker.views import LoginView

urlpatterns = [
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("2fa/", account_views.two_factor, name="two_factor"),
    path("password/", account_views.password_change, name="password_change"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", errors.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("advies/", include("advice.urls")),
    path("", include("tracker.urls")),
]

handler500 = "tracker.errors.server_error"
