from django.urls import path

from panel.credentials import views

app_name = "credentials"
urlpatterns = [
    path("", views.connection, name="connection"),
    path("connect/api-key/", views.connect_api_key, name="connect_api_key"),
    path("connect/password/", views.connect_password, name="connect_password"),
    path("check/", views.check, name="check"),
    path("disconnect/", views.disconnect, name="disconnect"),
]
