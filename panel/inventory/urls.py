"""Home at "/" keeps its un-namespaced name (base.html and LOGIN_REDIRECT_URL use "home");
the rest lives in the "accounts" namespace."""

from django.urls import include, path

from panel.inventory import views

account_patterns = [
    path("accounts/<bigvname:account>/", views.account, name="account"),
    # Not under groups/: "new" is a valid group name and would be shadowed.
    path("accounts/<bigvname:account>/create-group/", views.group_create, name="group_create"),
    path("accounts/<bigvname:account>/groups/<bigvname:group>/", views.group, name="group"),
    path(
        "accounts/<bigvname:account>/groups/<bigvname:group>/rename/",
        views.group_rename,
        name="group_rename",
    ),
    path(
        "accounts/<bigvname:account>/groups/<bigvname:group>/delete/",
        views.group_delete,
        name="group_delete",
    ),
    path("vms/", views.all_vms, name="all_vms"),
    # A table as CSV or JSON: the page's URL name with "_export", the same query string.
    path(
        "accounts/<bigvname:account>/groups/<bigvname:group>/export.<str:fmt>",
        views.group_export,
        name="group_export",
    ),
    path("vms/export.<str:fmt>", views.all_vms_export, name="all_vms_export"),
    path("vms/jump/", views.quick_jump, name="quick_jump"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("", include((account_patterns, "accounts"))),
]
