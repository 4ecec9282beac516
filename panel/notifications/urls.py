from django.urls import path

from panel.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_settings, name="settings"),
    path("signing-secret/", views.new_signing_secret, name="signing_secret"),
    path("test/", views.send_test, name="test"),
]
