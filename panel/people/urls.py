from django.urls import path

from panel.people import views

# No app_name: "login", "logout" and "password_change" are the names Django's settings
# (LOGIN_URL, LOGOUT_REDIRECT_URL) and base.html already use.
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change_view, name="password_change"),
]
