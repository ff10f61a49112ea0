"""The agent workspace over HTTP: who may see what, and what the settings screens save."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.mail import EmailMessage
from django.test import Client

from layan.accounts.models import ContactChannel, Skill, Team, User, Workspace
from layan.conversations.inbound import inbound_ingest
from layan.conversations.models import Conversation
from layan.core.worker import run_tasks_now
from layan.inboxes.models import Inbox
from layan.sla.models import BusinessHours
from layan.testing.fixtures import client_for
from layan.testing.mail import customer_email
from layan.testing.personas import PASSWORD, Cast

pytestmark = pytest.mark.django_db

SETTINGS_PAGES = [
    "/desk/settings/workspace/",
    "/desk/settings/hours/",
    "/desk/settings/channels/",
    "/desk/settings/agents/",
    "/desk/settings/agents/new/",
    "/desk/settings/teams/",
    "/desk/settings/teams/new/",
    "/desk/settings/skills/",
]


def test_the_desk_asks_visitors_to_log_in(cast: Cast) -> None:
    response = Client().get("/desk/")
    assert response.status_code == 302
    assert response["Location"] == "/desk/login/?next=/desk/"


def test_logging_in_does_not_make_the_agent_available_for_chats(cast: Cast) -> None:
    client = Client()
    response = client.post(
        "/desk/login/", {"username": " Alice@Toko-Test.example", "password": PASSWORD}
    )
    assert (response.status_code, response["Location"]) == (302, "/desk/")
    # An admin signing in to change a setting is not handed the chat queue: agents choose
    # "Online" themselves.
    assert User.objects.get(pk=cast.alice.pk).availability == "offline"
    page = client.get("/desk/")
    assert "Hello, Alice" in page.content.decode()


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(cast: Cast) -> None:
    response = Client().post(
        "/desk/login/", {"username": "alice@toko-test.example", "password": "nope"}
    )
    assert response.status_code == 200
    assert "Please enter a correct email address and password" in response.content.decode()


def test_logging_out_sets_the_agent_offline(cast: Cast) -> None:
    client = Client()
    client.post("/desk/login/", {"username": "alice@toko-test.example", "password": PASSWORD})
    client.post("/desk/logout/")
    assert User.objects.get(pk=cast.alice.pk).availability == "offline"


@pytest.mark.parametrize("path", SETTINGS_PAGES)
def test_settings_are_for_admins_only(cast: Cast, path: str) -> None:
    assert client_for(cast.alice).get(path).status_code == 403
    assert client_for(cast.iris).get(path).status_code == 200


def test_an_agent_sees_settings_only_when_admin(cast: Cast) -> None:
    assert "/desk/settings/" not in client_for(cast.alice).get("/desk/").content.decode()
    assert "/desk/settings/workspace/" in client_for(cast.iris).get("/desk/").content.decode()


def test_an_admin_cannot_open_another_workspaces_agent_or_team(cast: Cast) -> None:
    team = Team.objects.create(workspace=cast.workspace, name="Care 2")
    stella = client_for(cast.stella)
    assert stella.get(f"/desk/settings/agents/{cast.alice.pk}/").status_code == 404
    assert stella.get(f"/desk/settings/teams/{team.pk}/").status_code == 404
    assert stella.post(f"/desk/settings/teams/{team.pk}/delete/").status_code == 404
    assert Team.objects.filter(pk=team.pk).exists()


def test_the_agent_list_is_not_slower_with_more_agents(
    cast: Cast, django_assert_max_num_queries: object
) -> None:
    client = client_for(cast.iris)
    client.get("/desk/settings/agents/")
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        client.get("/desk/settings/agents/")
    for number in range(20):
        agent = User.objects.create_user(
            f"extra{number}@toko-test.example", PASSWORD, workspace=cast.workspace, name="X"
        )
        agent.teams.add(Team.objects.get(name="Care"))
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        client.get("/desk/settings/agents/")


def test_iris_updates_the_workspace_settings(cast: Cast) -> None:
    response = client_for(cast.iris).post(
        "/desk/settings/workspace/",
        {
            "name": "Toko Baru",
            "brand_colour": "#123456",
            "timezone": "Asia/Makassar",
            "default_language": "id",
            "languages": ["id", "en"],
            "reply_within_minutes": "45",
            "self_service_window_hours": "24",
            "bot_confidence": "0.9",
        },
    )
    assert response.status_code == 302
    workspace = Workspace.objects.get(pk=cast.workspace.pk)
    assert (workspace.name, workspace.brand_colour, workspace.timezone) == (
        "Toko Baru",
        "#123456",
        "Asia/Makassar",
    )
    assert (workspace.default_language, workspace.languages) == ("id", ["id", "en"])


def test_a_default_language_outside_the_languages_is_refused(cast: Cast) -> None:
    response = client_for(cast.iris).post(
        "/desk/settings/workspace/",
        {
            "name": "Toko",
            "brand_colour": "#123456",
            "timezone": "Asia/Jakarta",
            "default_language": "zh-hans",
            "languages": ["id"],
            "reply_within_minutes": "45",
            "self_service_window_hours": "24",
            "bot_confidence": "0.9",
        },
    )
    assert response.status_code == 200
    assert "The default language must be one of the languages." in response.content.decode()


def test_iris_sets_support_hours_with_a_lunch_break_and_a_holiday(cast: Cast) -> None:
    data = {
        "timezone": "Asia/Jakarta",
        "intervals-TOTAL_FORMS": "3",
        "intervals-INITIAL_FORMS": "0",
        "intervals-0-weekday": "0",
        "intervals-0-opens": "08:00",
        "intervals-0-closes": "12:00",
        "intervals-1-weekday": "0",
        "intervals-1-opens": "13:00",
        "intervals-1-closes": "17:00",
        "intervals-2-weekday": "",
        "intervals-2-opens": "",
        "intervals-2-closes": "",
        "holidays-TOTAL_FORMS": "1",
        "holidays-INITIAL_FORMS": "0",
        "holidays-0-date": "2027-08-17",
        "holidays-0-name_id": "Hari Kemerdekaan",
        "holidays-0-name_en": "Independence Day",
    }
    response = client_for(cast.iris).post("/desk/settings/hours/", data)
    assert response.status_code == 302
    schedule = BusinessHours.objects.get(workspace=cast.workspace, is_default=True)
    assert [(i.weekday, i.opens, i.closes) for i in schedule.intervals.all()] == [
        (0, dt.time(8), dt.time(12)),
        (0, dt.time(13), dt.time(17)),
    ]
    assert [(h.date, h.names) for h in schedule.holidays.all()] == [
        (dt.date(2027, 8, 17), {"id": "Hari Kemerdekaan", "en": "Independence Day"})
    ]


def test_contact_channels_are_validated_per_kind(cast: Cast) -> None:
    data = {
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "0",
        "form-0-kind": "whatsapp",
        "form-0-value": "+62 812 3456 7890",
        "form-0-position": "0",
        "form-0-is_active": "on",
        "form-1-kind": "email",
        "form-1-value": "not an address",
        "form-1-position": "1",
        "form-1-is_active": "on",
    }
    response = client_for(cast.iris).post("/desk/settings/channels/", data)
    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert not ContactChannel.objects.exists()
    data["form-1-value"] = "help@toko-test.example"
    assert client_for(cast.iris).post("/desk/settings/channels/", data).status_code == 302
    assert [(c.kind, c.href) for c in ContactChannel.objects.all()] == [
        ("whatsapp", "https://wa.me/6281234567890"),
        ("email", "mailto:help@toko-test.example"),
    ]


@pytest.mark.django_db(transaction=True)
def test_iris_invites_an_agent_from_the_desk(cast: Cast, outbox: list[EmailMessage]) -> None:
    care = Team.objects.get(name="Care")
    chinese = Skill.objects.get(workspace=cast.workspace, code="zh-hans")
    response = client_for(cast.iris).post(
        "/desk/settings/agents/new/",
        {
            "email": "wei@toko-test.example",
            "name": "Wei Zhang",
            "role": "agent",
            "teams": [care.pk],
            "skills": [chinese.pk],
        },
    )
    assert response.status_code == 302
    wei = User.objects.get(email="wei@toko-test.example")
    assert (list(wei.teams.all()), list(wei.skills.all())) == ([care], [chinese])
    run_tasks_now()
    assert [m.to for m in outbox] == [["wei@toko-test.example"]]
    listing = client_for(cast.iris).get("/desk/settings/agents/").content.decode()
    assert "Wei Zhang" in listing
    assert "Invited" in listing


def test_teams_are_created_edited_and_deleted(cast: Cast) -> None:
    iris = client_for(cast.iris)
    iris.post(
        "/desk/settings/teams/new/",
        {
            "name": "Returns",
            "description_id": "Retur barang",
            "description_en": "Items sent back",
            "members": [cast.olga.pk],
        },
    )
    team = Team.objects.get(name="Returns")
    assert list(team.members.all()) == [cast.olga]
    assert team.descriptions == {"id": "Retur barang", "en": "Items sent back"}
    # Each reader sees the description in their language.
    listing = iris.get("/desk/settings/teams/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Items sent back" in listing
    duplicate = iris.post("/desk/settings/teams/new/", {"name": "Returns"})
    assert "A team with this name already exists." in duplicate.content.decode()
    iris.post(f"/desk/settings/teams/{team.pk}/", {"name": "Returns", "members": []})
    assert list(Team.objects.get(pk=team.pk).members.all()) == []
    iris.post(f"/desk/settings/teams/{team.pk}/delete/")
    assert not Team.objects.filter(pk=team.pk).exists()


def test_topics_are_added_and_language_skills_stay(cast: Cast) -> None:
    iris = client_for(cast.iris)
    iris.post("/desk/settings/skills/", {"name": "Pengiriman"})
    topic = Skill.objects.get(workspace=cast.workspace, kind="topic")
    assert (topic.code, topic.name) == ("pengiriman", "Pengiriman")
    language = Skill.objects.get(workspace=cast.workspace, code="en")
    iris.post(f"/desk/settings/skills/{language.pk}/delete/")
    iris.post(f"/desk/settings/skills/{topic.pk}/delete/")
    assert list(
        Skill.objects.filter(workspace=cast.workspace)
        .order_by("code")
        .values_list("code", flat=True)
    ) == ["en", "id", "zh-hans"]


def test_availability_toggle_answers_htmx_with_the_fragment(cast: Cast) -> None:
    response = client_for(cast.alice).post(
        "/desk/availability/", {"availability": "away"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert 'value="away" aria-pressed="true"' in response.content.decode()
    assert User.objects.get(pk=cast.alice.pk).availability == "away"


def test_the_chosen_language_is_kept_on_the_profile_and_used_next_login(cast: Cast) -> None:
    client = client_for(cast.alice)
    client.post("/i18n/language/", {"language": "zh-hans", "next": "/desk/"})
    assert User.objects.get(pk=cast.alice.pk).language == "zh-hans"
    # A new browser with an English Accept-Language still gets Chinese after login.
    fresh = Client(headers={"Accept-Language": "en"})
    fresh.post("/desk/login/", {"username": cast.alice.email, "password": PASSWORD})
    assert "客服台" in fresh.get("/desk/").content.decode()


def test_the_language_switch_never_redirects_off_site(cast: Cast) -> None:
    response = Client().post("/i18n/language/", {"language": "id", "next": "https://evil.example/"})
    assert response["Location"] == "/"


WORKSPACE_FORM = {
    "name": "Toko Test",
    "brand_colour": "#0f766e",
    "timezone": "Asia/Jakarta",
    "default_language": "en",
    "languages": ["en", "id", "zh-hans"],
    "reply_within_minutes": "120",
    "self_service_window_hours": "24",
    "bot_confidence": "0.9",
}

# The smallest valid PNG: one transparent pixel.
PIXEL_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


def test_a_logo_is_uploaded_and_shown_on_the_help_center(
    cast: Cast, settings: object, tmp_path: object
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    setattr(settings, "MEDIA_ROOT", tmp_path)  # noqa: B010
    logo = SimpleUploadedFile("logo.png", PIXEL_PNG, content_type="image/png")
    response = client_for(cast.iris).post(
        "/desk/settings/workspace/", {**WORKSPACE_FORM, "logo": logo}
    )
    assert response.status_code == 302
    workspace = Workspace.objects.get(pk=cast.workspace.pk)
    assert str(workspace.logo.name).startswith("brand/logo")
    assert f'<img src="/media/{workspace.logo.name}"' in Client().get("/").content.decode()


def test_a_logo_that_is_not_an_image_is_refused(cast: Cast) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    script = SimpleUploadedFile("logo.html", b"<script>alert(1)</script>", "text/html")
    response = client_for(cast.iris).post(
        "/desk/settings/workspace/", {**WORKSPACE_FORM, "logo": script}
    )
    assert response.status_code == 200
    assert "Upload a PNG, JPEG, WebP or SVG image." in response.content.decode()
    assert not Workspace.objects.get(pk=cast.workspace.pk).logo


@pytest.mark.parametrize(
    ("language", "new_chat", "typing"),
    [
        ("en", "New chat #{number}", "{names} typing…"),
        ("id", "Chat baru #{number}", "{names} sedang mengetik…"),
        ("zh-hans", "新会话 #{number}", "{names} 正在输入…"),
    ],
)
def test_the_desks_live_notices_are_translated_with_a_placeholder_the_script_fills(
    cast: Cast, email_inbox: Inbox, language: str, new_chat: str, typing: str
) -> None:
    # (Django doubles the % of a msgid given to _() in a template: "New chat #%22" showed.)
    User.objects.filter(pk=cast.alice.pk).update(language=language)
    client = client_for(User.objects.get(pk=cast.alice.pk))
    inbound_ingest(inbox=email_inbox, payload=customer_email(), source="test")
    number = Conversation.objects.get().number
    page = client.get(f"/desk/conversations/{number}/").content.decode()
    assert f'labelNewChat = "{new_chat}"' in page
    assert f'labelTyping = "{typing}"' in page
    assert "%(" not in page
