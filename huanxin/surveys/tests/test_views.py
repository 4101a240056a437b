"""The residents' phone pages end to end over HTTP, and the staff pages of a round."""

import pytest
from django.test import Client

from huanxin.catalog.models import MenuItem
from huanxin.core.spreadsheets import read_tables
from huanxin.estates.models import Household
from huanxin.residents.services import access_codes_issue, resident_link_for
from huanxin.surveys.models import Answer, SurveyRound

pytestmark = pytest.mark.django_db


def resident_answers(client: Client, token: str, steps: list[dict]) -> None:  # type: ignore[type-arg]
    for number, data in enumerate(steps, start=1):
        response = client.post(f"/r/{token}/survey/", {"step": number, **data})
        assert response.status_code == 302, response.content.decode()[:500]


def test_a_resident_identifies_consents_answers_and_changes_the_answer(city, open_round, login) -> None:  # type: ignore[no-untyped-def]
    estate = open_round.estate
    codes = dict(access_codes_issue(by=city["shequ"], estate_id=estate.pk))
    household = next(iter(codes))
    token = resident_link_for(estate).token
    client = Client(HTTP_HOST="127.0.0.1")
    assert "您好" in client.get(f"/r/{token}/").content.decode()
    assert client.get(f"/r/{token}/survey/")["Location"] == f"/r/{token}/identify/"
    page = client.get(f"/r/{token}/identify/?building={household.building_id}").content.decode()
    assert "1单元 101室" in page
    wrong = client.post(
        f"/r/{token}/identify/",
        {
            "building": household.building_id,
            "household": household.pk,
            "method": "slip",
            "code": "AAAAAAAA",
            "action": "verify",
        },
    )
    assert "验证码不正确" in wrong.content.decode()
    right = client.post(
        f"/r/{token}/identify/",
        {
            "building": household.building_id,
            "household": household.pk,
            "method": "slip",
            "code": codes[household],
            "action": "verify",
        },
    )
    assert right["Location"] == f"/r/{token}/consent/"
    assert client.post(f"/r/{token}/consent/", {"agree": "yes"})["Location"] == f"/r/{token}/survey/"
    roads = MenuItem.objects.get(code="B06").pk
    resident_answers(
        client,
        token,
        [{"agrees": "yes", "first_need": roads}, {"cofund_willing": "no", "comments": "希望尽快修路"}],
    )
    done = client.get(f"/r/{token}/survey/done/").content.decode()
    assert "提交成功" in done and "同意改造" in done
    staff = login("shequ").get(f"/surveys/{open_round.pk}/")
    assert staff.context["tally"].agree == 1
    # Changing the answer: the form comes back pre-filled, the tally moves.
    assert "修改已提交的意见" in client.get(f"/r/{token}/survey/").content.decode()
    resident_answers(
        client, token, [{"agrees": "no", "first_need": roads}, {"cofund_willing": "no", "comments": ""}]
    )
    assert login("shequ").get(f"/surveys/{open_round.pk}/").context["tally"].agree == 0
    assert Answer.objects.filter(household=household).count() == 2


def test_a_link_of_no_estate_is_a_plain_404(city) -> None:  # type: ignore[no-untyped-def]
    response = Client(HTTP_HOST="127.0.0.1").get("/r/not-a-token/")
    assert response.status_code == 404


def test_a_resident_of_one_estate_cannot_answer_for_another(city, open_round, make_estate) -> None:  # type: ignore[no-untyped-def]
    other = make_estate("隔壁小区")
    codes = dict(access_codes_issue(by=city["shequ"], estate_id=open_round.estate.pk))
    household = next(iter(codes))
    response = Client(HTTP_HOST="127.0.0.1").post(
        f"/r/{resident_link_for(other).token}/identify/",
        {
            "building": household.building_id,
            "household": household.pk,
            "method": "slip",
            "code": codes[household],
            "action": "verify",
        },
    )
    assert response.status_code == 200
    assert not Answer.objects.exists()


def test_staff_create_a_round_and_see_it_on_the_estate(login, roster_estate) -> None:  # type: ignore[no-untyped-def]
    client = login("shequ")
    form = client.get(f"/surveys/new/?estate={roster_estate.pk}")
    assert form.status_code == 200
    items = [MenuItem.objects.get(code="B02").pk, MenuItem.objects.get(code="B09").pk]
    response = client.post(
        f"/surveys/new/?estate={roster_estate.pk}",
        {"title": "意愿调查", "opens_on": "2020-08-25", "closes_on": "2020-09-25", "items": items},
    )
    survey = SurveyRound.objects.get()
    assert response["Location"] == f"/surveys/{survey.pk}/"
    assert set(survey.items.values_list("code", flat=True)) == {"B02", "B09"}
    tab = client.get(f"/surveys/estate/{roster_estate.pk}/").content.decode()
    assert "意愿调查" in tab and "打印入户通知单" in tab


def test_paper_answers_and_the_export_follow_the_role_masking(login, open_round) -> None:  # type: ignore[no-untyped-def]
    household = Household.objects.filter(estate=open_round.estate).earliest("pk")
    client = login("shequ")
    response = client.post(
        f"/surveys/{open_round.pk}/",
        {
            "form": "paper",
            "household": household.pk,
            "agrees": "1",
            "first_need": "",
            "cofund_willing": "",
            "cofund_bracket": "",
            "comments": "",
            "consent": "on",
        },
    )
    assert response.status_code == 302
    answer = Answer.objects.get()
    assert answer.channel == "paper"
    unmasked = read_tables(name="x.xlsx", content=client.get(f"/surveys/{open_round.pk}/export.xlsx").content)
    title = "改造意愿调查（小区：市委二号院；截至2020-09-01）"  # the round, its estate and the day
    assert unmasked[0].rows[0][0] == unmasked[1].rows[0][0] == title
    assert unmasked[1].rows[2][3] == household.owner_name
    assert login("dianli").get(f"/surveys/{open_round.pk}/").status_code == 403  # departments see no surveys
    tally_sheet = {row[0]: row[1] for row in unmasked[0].rows[2:]}
    assert tally_sheet["同意户数"] == 1


def test_the_owners_committee_sees_its_tallies_but_not_who_answered(login, open_round, city) -> None:  # type: ignore[no-untyped-def]
    from huanxin.accounts.models import Organization
    from huanxin.estates.services import estate_tie_add
    from huanxin.surveys.services import answer_submit

    estate_tie_add(
        by=city["admin"],
        estate_id=open_round.estate.pk,
        kind="owners_committee",
        organization=Organization.objects.get(name="市委二号院业主委员会"),
    )
    household = Household.objects.filter(estate=open_round.estate).earliest("pk")
    answer_submit(
        round_id=open_round.pk,
        household=household,
        by=city["shequ"],
        consent_given=True,
        data={"agrees": True},
    )
    page = login("yeweihui").get(f"/surveys/{open_round.pk}/")
    assert page.status_code == 200
    content = page.content.decode()
    assert page.context["tally"].agree == 1
    assert household.owner_name not in content and "answer-table" not in content
    assert login("yeweihui").get(f"/surveys/{open_round.pk}/export.xlsx").status_code == 403


def test_the_slips_are_a_real_pdf_and_new_codes(login, roster_estate) -> None:  # type: ignore[no-untyped-def]
    from huanxin.residents.models import AccessCode

    response = login("shequ").post(f"/r/slips/{roster_estate.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AccessCode.objects.filter(revoked_at__isnull=True).count() == 12
    assert login("dianli").post(f"/r/slips/{roster_estate.pk}/").status_code == 403


def test_slips_need_a_roster(login, make_estate) -> None:  # type: ignore[no-untyped-def]
    estate = make_estate("无名册小区")
    response = login("shequ").post(f"/r/slips/{estate.pk}/", follow=True)
    assert "尚未录入住户名册" in response.content.decode()


def test_odd_step_numbers_do_not_break_the_phone_page(city, open_round) -> None:  # type: ignore[no-untyped-def]
    codes = dict(access_codes_issue(by=city["shequ"], estate_id=open_round.estate.pk))
    household = next(iter(codes))
    token = resident_link_for(open_round.estate).token
    client = Client(HTTP_HOST="127.0.0.1")
    client.post(
        f"/r/{token}/identify/",
        {
            "building": household.building_id,
            "household": household.pk,
            "method": "slip",
            "code": codes[household],
            "action": "verify",
        },
    )
    client.post(f"/r/{token}/consent/", {"agree": "yes"})
    for step in ("²", "9" * 5000, "-3", "abc"):
        assert client.get(f"/r/{token}/survey/", {"step": step}).status_code == 200
        assert client.post(f"/r/{token}/survey/", {"step": step, "first_need": "²"}).status_code in (200, 302)


def test_a_formula_typed_by_a_resident_stays_text_in_the_export(city, open_round, login) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    from huanxin.surveys.services import answer_submit

    household = Household.objects.filter(estate=open_round.estate).earliest("pk")
    answer_submit(
        round_id=open_round.pk,
        household=household,
        by=city["shequ"],
        consent_given=True,
        data={"agrees": True, "comments": '=HYPERLINK("http://evil.example","点我")'},
    )
    content = login("shequ").get(f"/surveys/{open_round.pk}/export.xlsx").content
    import io

    sheet = load_workbook(io.BytesIO(content))["答卷"]
    cell = sheet.cell(row=3, column=12)  # below the title and the header
    assert cell.value.startswith("=HYPERLINK") and cell.data_type == "s"


def test_each_slip_s_qr_code_opens_its_household_in_three_screens_and_dies_with_a_reprint(  # type: ignore[no-untyped-def]
    login, city, open_round
) -> None:
    """The slip's own QR link: consent, two screens of questions, done — no building or room to
    choose; scanned again it reopens the answer to change it; reprinted, the old one is dead."""
    estate = open_round.estate
    printed = login("shequ").post(f"/r/slips/{estate.pk}/")
    slips = printed.context["slips"]
    assert len(slips) == 12 and len({qr for _h, _c, qr, _link in slips}) == 12  # one code per household
    household, _code, _qr, link = slips[0]
    path = link.removeprefix("http://127.0.0.1")
    resident = Client(HTTP_HOST="127.0.0.1")
    token = resident_link_for(estate).token
    screens = []

    def screen(response) -> str:  # type: ignore[no-untyped-def]
        assert response.status_code == 200, response.status_code
        screens.append(response.content.decode())
        return screens[-1]

    consent = screen(resident.get(path, follow=True))
    assert "第 1 步，共 3 步" in consent and f"{household.unit}单元 {household.room}室" in consent
    questions = screen(resident.post(f"/r/{token}/consent/", {"agree": "yes"}, follow=True))
    assert "第 2 步，共 3 步" in questions
    roads, lights = MenuItem.objects.get(code="B06").pk, MenuItem.objects.get(code="B09").pk
    assert questions.count(f'name="first_need" value="{roads}"') == 1  # each item listed once
    assert questions.count(f'name="other_needs" value="{roads}"') == 1
    cofund = screen(
        resident.post(
            f"/r/{token}/survey/",
            {"step": 1, "agrees": "yes", "first_need": roads, "other_needs": [roads, lights]},
            follow=True,
        )
    )
    assert "第 3 步，共 3 步" in cofund
    done = screen(
        resident.post(
            f"/r/{token}/survey/",
            {"step": 2, "cofund_willing": "yes", "cofund_modes": ["direct"], "cofund_bracket": "500_1000"},
            follow=True,
        )
    )
    assert "提交成功" in done and len(screens) == 4  # three screens, then done
    summary = done.split('id="answer-summary"')[1].split("</div></div>")[0]
    assert "居民直接出资" in summary and "500–1000元" in summary  # the co-funding is in the summary
    answer = Answer.objects.current().get(household=household)
    assert answer.first_need_id == roads and list(answer.other_needs.values_list("pk", flat=True)) == [lights]

    again = Client(HTTP_HOST="127.0.0.1").get(path, follow=True).content.decode()
    assert "修改已提交的意见" in again and "第 1 步，共 2 步" in again  # consented: straight to the answer

    login("shequ").post(f"/r/slips/{estate.pk}/")
    dead = Client(HTTP_HOST="127.0.0.1").get(path, follow=True)
    assert "这张通知单已作废" in dead.content.decode() and "您家住在哪一栋" in dead.content.decode()
    forged = Client(HTTP_HOST="127.0.0.1").get(f"/r/{token}/h/{path.split('/h/')[1][:-3]}xx/", follow=True)
    assert "二维码无法识别" in forged.content.decode()


def test_a_paper_answer_never_replaces_a_household_s_answer_unseen(login, city, open_round) -> None:  # type: ignore[no-untyped-def]
    """The picker says who has answered; replacing an answer names it and needs a confirmation."""
    from huanxin.residents.services import consent_record
    from huanxin.surveys.services import answer_submit

    household = Household.objects.filter(estate=open_round.estate).select_related("building").earliest("pk")
    consent_record(household=household)
    answer_submit(round_id=open_round.pk, household=household, data={"agrees": True})
    client = login("shequ")
    page = client.get(f"/surveys/{open_round.pk}/").content.decode()
    option = page.split(f'<option value="{household.pk}"')[1].split("</option>")[0]
    assert "已答（居民自填，" in option and "同意）" in option
    paper = {
        "form": "paper",
        "household": household.pk,
        "agrees": "0",
        "first_need": "",
        "cofund_willing": "",
        "cofund_bracket": "",
        "comments": "",
        "consent": "on",
    }
    refused = client.post(f"/surveys/{open_round.pk}/", paper).content.decode()
    assert f"{household.building.name}{household.unit}单元{household.room}" in refused
    assert "已有答卷：已答（居民自填" in refused and "确认替换" in refused
    assert Answer.objects.current().get(household=household).agrees is True  # nothing changed
    replaced = client.post(f"/surveys/{open_round.pk}/", {**paper, "replace": "on"})
    assert replaced.status_code == 302
    assert Answer.objects.current().get(household=household).agrees is False
    assert Answer.objects.filter(household=household).count() == 2  # the first kept as history
