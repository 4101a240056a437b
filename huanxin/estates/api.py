from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field, create_model

from huanxin.core.access import endpoint
from huanxin.core.api import ERRORS, READ_ERRORS, Paginated
from huanxin.core.bounds import (
    AreaM2,
    Buildings,
    Code32,
    EstateCode,
    Households,
    Id,
    Latitude,
    Longitude,
    Name128,
    Note,
    RegionCode,
    Text100,
    Text128,
    Text255,
    Version,
    Year,
)
from huanxin.core.errors import Invalid
from huanxin.core.http import get_visible_or_404
from huanxin.estates import services
from huanxin.estates.filtersets import SORTS, filter_estates
from huanxin.estates.models import Estate, ManagementMode
from huanxin.estates.querysets import estates_for
from huanxin.estates.rules import EXCLUSION_FLAGS
from huanxin.regions.models import Region

router = Router(tags=["小区台账 estates"])


# The exclusion flags come from their one definition (estates/rules.py), so a new flag reaches
# the API without another list to keep in step.
ExclusionFlagsOut = create_model(
    "ExclusionFlagsOut",
    __base__=Schema,
    **{flag: (bool, Field(description=str(label))) for flag, label in EXCLUSION_FLAGS.items()},  # type: ignore[call-overload]
)
ExclusionFlagsIn = create_model(
    "ExclusionFlagsIn",
    __base__=Schema,
    **{flag: (bool | None, Field(None, description=str(label))) for flag, label in EXCLUSION_FLAGS.items()},  # type: ignore[call-overload]
)


class EstateOut(ExclusionFlagsOut):  # type: ignore[misc,valid-type]
    id: int
    code: str
    name: str
    aliases: str
    address: str
    region: str
    region_name: str
    street: str
    district: str
    year_built: int | None
    building_count: int | None
    households: int
    floor_area_m2: Decimal
    property_right_unit: str
    management_mode: str
    latitude: Decimal | None
    longitude: Decimal | None
    has_gas: bool | None
    has_heating: bool | None
    has_elevator: bool | None
    notes: str
    version: int

    @staticmethod
    def resolve_region(obj: Estate) -> str:
        return obj.region.code

    @staticmethod
    def resolve_region_name(obj: Estate) -> str:
        return obj.region.name

    @staticmethod
    def resolve_street(obj: Estate) -> str:
        return obj.region.parent.name if obj.region.parent else ""

    @staticmethod
    def resolve_district(obj: Estate) -> str:
        district = obj.district
        return district.name if district else ""


class EstateFilters(Schema):
    q: Text100 | None = None
    region: RegionCode | None = None
    year_min: Year | None = None
    year_max: Year | None = None
    households_min: Households | None = None
    households_max: Households | None = None
    management_mode: ManagementMode | None = None
    old: bool | None = None
    flag: Code32 | None = None
    sort: Code32 | None = Field(None, description=" / ".join(SORTS))
    after: EstateCode | None = Field(
        None,
        description="只列编码在此之后的小区（按编码排序）：逐页读取全部小区时代替 offset，深翻页也不变慢",
    )


class EstateFields(ExclusionFlagsIn):  # type: ignore[misc,valid-type]
    name: Name128 | None = None
    aliases: Text255 | None = None
    address: Text255 | None = None
    region: RegionCode | None = Field(None, description="社区的12位区划代码")
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    year_built: Year | None = None
    building_count: Buildings | None = None
    households: Households | None = None
    floor_area_m2: AreaM2 | None = None
    property_right_unit: Text128 | None = None
    management_mode: ManagementMode | None = None
    has_gas: bool | None = None
    has_heating: bool | None = None
    has_elevator: bool | None = None
    notes: Note | None = None


class EstateCreate(EstateFields):
    name: Name128
    region: RegionCode
    households: Households
    floor_area_m2: AreaM2


class EstateUpdate(EstateFields):
    version: Version


NULLABLE = {"latitude", "longitude", "year_built", "building_count", "has_gas", "has_heating", "has_elevator"}
BLANKABLE_TEXT = {"aliases", "address", "property_right_unit", "notes"}


def _changes(request: HttpRequest, payload: EstateFields) -> dict[str, Any]:
    """Only the fields the client sent; the region code resolved inside the jurisdiction."""
    changes = payload.model_dump(exclude_unset=True, exclude={"version"})
    if changes.get("region", "") is None:
        raise Invalid(_("提交的内容有误"), details=[{"field": "region", "message": _("不能为空")}])
    if "region" in changes:
        code = changes["region"]
        try:
            changes["region"] = Region.objects.visible_to(request.auth).by_code(code)  # type: ignore[attr-defined]
        except (Region.DoesNotExist, ValueError) as error:
            raise Invalid(
                _("所属社区无效"),
                details=[{"field": "region", "message": _("辖区内没有区划代码 %(code)s") % {"code": code}}],
            ) from error
    for field, value in list(changes.items()):
        if value is not None:
            continue
        if field in BLANKABLE_TEXT:
            changes[field] = ""
        elif field not in NULLABLE:
            raise Invalid(_("提交的内容有误"), details=[{"field": field, "message": _("不能为空")}])
    return changes


@router.get("/estates", response={200: list[EstateOut], **READ_ERRORS})
@endpoint("estates", "view")
@paginate(Paginated)
def list_estates(request: HttpRequest, filters: Query[EstateFilters]) -> Any:
    params = {key: value for key, value in filters.model_dump().items() if value is not None}
    after = params.pop("after", None)
    if after is not None and params.get("sort", "code") != "code":
        raise Invalid(
            _("after 只能与按编码排序（sort=code）一起使用"), details=[{"field": "after", "message": after}]
        )
    if isinstance(params.get("old"), bool):
        params["old"] = "true" if params["old"] else "false"
    estates, filterset = filter_estates(estates_for(request.auth), params)  # type: ignore[attr-defined]
    if filterset.errors:
        raise Invalid(
            _("筛选条件无效"),
            details=[
                {"field": field, "message": "；".join(errors)} for field, errors in filterset.errors.items()
            ],
        )
    if after is not None:  # keyset: a range on the unique code index, however deep the page
        estates = estates.filter(code__gt=after).order_by("code")
    return estates


@router.get("/estates/{estate_id}", response={200: EstateOut, **READ_ERRORS})
@endpoint("estates", "view")
def get_estate(request: HttpRequest, estate_id: Id) -> Estate:
    return get_visible_or_404(estates_for(request.auth), request.auth, pk=estate_id)  # type: ignore[attr-defined]


@router.post("/estates", response={201: EstateOut, **ERRORS})
@endpoint("estates", "change")
def create_estate(request: HttpRequest, payload: EstateCreate) -> tuple[int, Estate]:
    estate = services.estate_create(by=request.auth, changes=_changes(request, payload))  # type: ignore[attr-defined,arg-type]
    return 201, estates_for(request.auth).get(pk=estate.pk)  # type: ignore[attr-defined]


@router.patch("/estates/{estate_id}", response={200: EstateOut, **ERRORS})
@endpoint("estates", "edit_facts")
def update_estate(request: HttpRequest, estate_id: Id, payload: EstateUpdate) -> Estate:
    services.estate_update(
        by=request.auth,  # type: ignore[attr-defined]
        estate_id=estate_id,
        version=payload.version,
        changes=_changes(request, payload),  # type: ignore[arg-type]
    )
    return estates_for(request.auth).get(pk=estate_id)  # type: ignore[attr-defined]
