"""A node's figures and its children's, from the nation down to a community: each child's row is
its own summary, and the number of queries does not grow with the number of children."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

FIGURES = ("old_estates", "old_area_m2", "old_households", "planned_projects", "started_projects")


@pytest.fixture
def estates(make_estate):  # type: ignore[no-untyped-def]
    """Estates in three districts, one built too late to be old, one changed after 2020-08-01."""
    from huanxin.core import clock
    from huanxin.estates.services import estate_update

    with clock.pinned(dt.date(2020, 8, 1)):
        make_estate("老街小区", households=40, year_built=1988)  # 永定区 官黎坪居委会
        make_estate("回龙小区", community="430802001001", households=55, year_built=1996)  # 永定区 回龙
        make_estate("零阳小区", community="430821001001", households=70, year_built=1990)  # 慈利县
        changed = make_estate("澧源小区", community="430822100001", households=30, year_built=1985)  # 桑植县
        make_estate("新小区", households=90, year_built=2008)  # not old
    from huanxin.accounts.models import User

    estate_update(
        by=User.objects.get(username="admin"),
        estate_id=changed.pk,
        version=changed.version,
        changes={"households": 35},
    )
    return changed


def test_each_row_is_the_childs_own_summary_and_the_total_the_nodes(api_as, estates) -> None:  # type: ignore[no-untyped-def]
    client = api_as("city")
    for as_of in ("", "2020-08-01"):  # live, and a past day read from history
        suffix = f"&as_of={as_of}" if as_of else ""
        answer = client.get(f"/api/v1/stats/breakdown?region=430800{suffix}").json()
        assert answer["total"] == client.get(f"/api/v1/stats/summary?region=430800{suffix}").json()
        assert answer["count"] == len(answer["items"]) == 4  # 永定区, 武陵源区, 慈利县, 桑植县
        for row in answer["items"]:
            own = client.get(f"/api/v1/stats/summary?region={row['region']}{suffix}").json()
            assert row == own
        by_name = {row["region_name"]: row for row in answer["items"]}
        assert (by_name["永定区"]["old_estates"], by_name["永定区"]["old_households"]) == (2, 95)
        assert by_name["桑植县"]["old_households"] == (30 if as_of else 35)
        assert answer["total"]["old_households"] == (195 if as_of else 200)


def test_the_number_of_queries_does_not_grow_with_the_children(api_as, estates) -> None:  # type: ignore[no-untyped-def]
    client = api_as("city")
    client.get("/api/v1/stats/summary")  # the token's first use is recorded once
    counts = {}
    for node, children in (("430800", 4), ("430802", None), ("430802004", None)):
        with CaptureQueriesContext(connection) as queries:
            answer = client.get(f"/api/v1/stats/breakdown?region={node}&as_of=2020-08-01").json()
        assert children is None or answer["count"] == children
        counts[node] = len(queries)
    assert len(set(counts.values())) == 1, counts


def test_the_nation_is_a_node_an_officer_of_the_nation_reads(city, api_as, estates) -> None:  # type: ignore[no-untyped-def]
    from huanxin.accounts.models import User
    from huanxin.regions.models import Region

    nation = Region.objects.get(code="000000000000")
    assert (nation.name, nation.level, nation.parent) == ("中华人民共和国", "nation", None)
    User.objects.create_user(username="buwei", password="x" * 12, roles=["city_office"], region=nation)
    city["buwei"] = User.objects.get(username="buwei")
    whole = api_as("buwei").get("/api/v1/stats/breakdown").json()
    assert whole["total"]["region"] == "000000" and whole["total"]["region_name"] == "中华人民共和国"
    assert [row["region_name"] for row in whole["items"]] == ["湖南省"]
    city_figures = api_as("city").get("/api/v1/stats/summary?region=430800").json()
    assert {name: whole["total"][name] for name in FIGURES} == {name: city_figures[name] for name in FIGURES}
    assert api_as("city").get("/api/v1/stats/summary?region=000000").status_code == 404  # above the city


def test_the_administrator_drills_from_the_nation_to_a_community(login, estates) -> None:  # type: ignore[no-untyped-def]
    client = login("admin")
    page = client.get("/")
    assert page.context["region"].code == "000000000000"
    assert 'href="?region=430000"' in page.content.decode()
    for node, child in (("430000", "430800"), ("430800", "430802"), ("430802", "430802004")):
        html = client.get(f"/?region={node}").content.decode()
        assert f'href="?region={child}"' in html, node
    street = client.get("/?region=430802004")
    assert [row["region"] for row in street.context["children"]] == [f"43080200400{n}" for n in (1, 2, 3, 4)]
    community = client.get("/?region=430802004001")
    assert community.context["summary"]["old_estates"] == 1  # 老街小区; 新小区 is too young
    trail = [node.name for node in community.context["trail"]]
    assert trail[:3] == ["中华人民共和国", "湖南省", "张家界市"]


def test_a_child_with_its_own_cutoff_counts_by_its_own_rule(city, api_as, estates) -> None:  # type: ignore[no-untyped-def]
    """慈利县 counts only what was built by 1989: its row drops 零阳小区 (1990); the city's total,
    by the city's rule, keeps it — each row is what that node's own dashboard shows."""
    from huanxin.planning import services as planning
    from huanxin.regions.models import Region

    cili = Region.objects.get(code="430821000000")
    planning.eligibility_settings_save(
        by=city["admin"], region_id=cili.pk, changes={"cutoff_year": 1989}, version=None
    )
    client = api_as("city")
    answer = client.get("/api/v1/stats/breakdown?region=430800").json()
    by_name = {row["region_name"]: row for row in answer["items"]}
    assert by_name["慈利县"]["old_estates"] == 0
    assert by_name["永定区"]["old_estates"] == 2
    assert answer["total"]["old_estates"] == 4  # 老街, 回龙, 零阳, 澧源 by the city's 2000
    assert by_name["慈利县"] == client.get("/api/v1/stats/summary?region=430821").json()
