from django.contrib import admin
from django.urls import include, path

from huanxin.api import api
from huanxin.core.views import favicon

handler400 = "huanxin.core.views.bad_request"
handler403 = "huanxin.core.views.permission_denied"
handler404 = "huanxin.core.views.page_not_found"
handler500 = "huanxin.core.views.server_error"

urlpatterns = [
    path("", include("huanxin.reporting.urls")),
    path("accounts/", include("huanxin.accounts.urls")),
    path("estates/", include("huanxin.estates.urls")),
    path("catalog/", include("huanxin.catalog.urls")),
    path("r/", include("huanxin.residents.urls")),
    path("", include("huanxin.surveys.urls")),
    path("planning/", include("huanxin.planning.urls")),
    path("", include("huanxin.projects.urls")),
    path("funding/", include("huanxin.funding.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("favicon.ico", favicon),
]
