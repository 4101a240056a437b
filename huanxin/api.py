"""The API under /api/v1/: each app's router, one auth, one error envelope (SPEC 6)."""

from ninja import NinjaAPI

from huanxin.accounts.api import API_AUTH
from huanxin.accounts.api import router as accounts_router
from huanxin.catalog.api import router as catalog_router
from huanxin.core.access import public_page
from huanxin.core.api import install_error_envelope
from huanxin.estates.api import router as estates_router
from huanxin.funding.api import router as funding_router
from huanxin.planning.api import router as planning_router
from huanxin.projects.api import router as projects_router
from huanxin.regions.api import router as regions_router
from huanxin.reporting.api import router as reporting_router
from huanxin.residents.api import router as residents_router
from huanxin.surveys.api import router as surveys_router

api = NinjaAPI(
    title="焕新 Huanxin API",
    version="1",
    description="老旧小区改造管理平台接口。使用 `POST /api/v1/auth/token` 换取令牌，"
    "并以 `Authorization: Bearer <token>` 调用。列表使用 `?limit=&offset=` 分页。",
    auth=API_AUTH,
    urls_namespace="api-1",
    docs_decorator=public_page(),
)
install_error_envelope(api)
api.add_router("", accounts_router)
api.add_router("", regions_router)
api.add_router("", catalog_router)
api.add_router("", estates_router)
api.add_router("", residents_router)
api.add_router("", surveys_router)
api.add_router("", planning_router)
api.add_router("", projects_router)
api.add_router("", funding_router)
api.add_router("", reporting_router)
