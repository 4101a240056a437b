from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.security import HttpBearer, SessionAuth

from huanxin.accounts.models import Organization, User
from huanxin.accounts.querysets import organizations_for
from huanxin.accounts.services import token_issue, token_revoke, token_user
from huanxin.core.access import endpoint, public_endpoint
from huanxin.core.api import ERRORS, READ_ERRORS, ErrorOut, Paginated
from huanxin.core.bounds import Code32, Code150
from huanxin.core.errors import NotAuthenticated


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = token_user(token)
        if user is not None:
            request.user = user
        return user


class StaffSession(SessionAuth):
    """The pages' own session, for the API docs page and HTMX calls (CSRF checked)."""


API_AUTH = [BearerToken(), StaffSession()]

router = Router(tags=["账号 accounts"])


class TokenIn(Schema):
    username: Code150
    password: str = Field(..., max_length=128)


class TokenOut(Schema):
    token: str


@router.post("/auth/token", auth=None, response={200: TokenOut, **ERRORS, 429: ErrorOut})
@public_endpoint()
def create_token(request: HttpRequest, payload: TokenIn) -> dict[str, str]:
    return {"token": token_issue(request=request, username=payload.username, password=payload.password)}


@router.delete("/auth/token", response={204: None, **ERRORS})
@endpoint()
def revoke_token(request: HttpRequest) -> tuple[int, None]:
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("bearer "):
        raise NotAuthenticated()
    token_revoke(key=header.split(" ", 1)[1].strip(), by=request.auth, request=request)  # type: ignore[attr-defined]
    return 204, None


class OrganizationOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    region: str
    region_name: str
    duties: str

    @staticmethod
    def resolve_kind_label(obj: Organization) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_region(obj: Organization) -> str:
        return obj.region.short_code

    @staticmethod
    def resolve_region_name(obj: Organization) -> str:
        return obj.region.name


@router.get("/organizations", response={200: list[OrganizationOut], **READ_ERRORS})
@endpoint()
@paginate(Paginated)
def list_organizations(request: HttpRequest, kind: Code32 | None = None) -> Any:
    organizations = organizations_for(request.auth)  # type: ignore[attr-defined]
    if kind:
        organizations = organizations.filter(kind=kind)
    return organizations
