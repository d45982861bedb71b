"""The public plan page: the latest published version only, links by the plan's state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from directory.models import Entry, Status
from plans.models import Action, Plan, PlanStatus, VersionKind
from plans.versions import publish_version
from tests.plans.factories import make_plan, open_plan


async def test_plan_without_a_version_is_not_found(client, organiser):
    plan = await make_plan()

    assert (await client.get(f"/plans/{plan.uuid}")).status_code == 404
    assert (await client.get("/plans/not-a-plan")).status_code == 404
    await publish_version(organiser, plan.id, VersionKind.CONSULTATION)
    assert (await client.get(f"/plans/{plan.uuid}")).status_code == 200


async def test_public_page_shows_published_version_not_draft_edits(client, organiser):
    plan = await make_plan()
    await publish_version(organiser, plan.id, VersionKind.CONSULTATION)
    await Action.filter(plan=plan).update(text="Secret draft wording")
    await Plan.filter(id=plan.id).update(title="Draft title <b>")

    page = await client.get(f"/plans/{plan.uuid}")

    assert "Target knife crime hot spots with joint patrols" in page.text
    assert "Secret draft wording" not in page.text
    assert "Draft title" not in page.text
    assert "Serious Violence Delivery Plan" in page.text
    assert "Priority 3: Creating safe, stronger communities" in page.text


async def test_leads_linked_only_when_published(client, organiser):
    plan = await make_plan(priorities=1, actions=(1,))
    police = await Entry.get(name="Hampshire Constabulary")
    await publish_version(organiser, plan.id, VersionKind.CONSULTATION)

    linked = await client.get(f"/plans/{plan.uuid}")
    await Entry.filter(id=police.id).update(status=Status.HIDDEN)
    unlinked = await client.get(f"/plans/{plan.uuid}")

    assert f'href="/directory/{police.id}"' in linked.text
    assert f'href="/directory/{police.id}"' not in unlinked.text
    assert "Hampshire Constabulary" in unlinked.text


async def test_have_your_say_only_while_open(client, organiser):
    plan = await make_plan(priorities=1, actions=(1,))
    await publish_version(organiser, plan.id, VersionKind.CONSULTATION)
    respond = f'href="/plans/{plan.uuid}/respond"'

    assert respond not in (await client.get(f"/plans/{plan.uuid}")).text
    await open_plan(plan)
    assert respond in (await client.get(f"/plans/{plan.uuid}")).text
    plan.closed_at = datetime.now(UTC) - timedelta(minutes=1)
    await plan.save()
    assert respond not in (await client.get(f"/plans/{plan.uuid}")).text


async def test_report_and_register_links(client, organiser):
    plan = await make_plan(PlanStatus.ADOPTED, priorities=1, actions=(1,))
    await publish_version(organiser, plan.id, VersionKind.ADOPTED)
    page = await client.get(f"/plans/{plan.uuid}")
    assert f'href="/plans/{plan.uuid}/register"' in page.text
    assert f'href="/plans/{plan.uuid}/report"' not in page.text

    plan.report_published_at = datetime.now(UTC)
    await plan.save()
    page = await client.get(f"/plans/{plan.uuid}")
    assert f'href="/plans/{plan.uuid}/report"' in page.text


async def test_versions_and_compare_pages(client, organiser):
    plan = await make_plan(priorities=1, actions=(2,))
    await publish_version(organiser, plan.id, VersionKind.CONSULTATION)
    first = await Action.filter(plan=plan).order_by("position").first()
    await Action.filter(id=first.id).update(text="Patrol <script>alert(1)</script> hot spots")
    await publish_version(organiser, plan.id, VersionKind.ADOPTED)

    latest = await client.get(f"/plans/{plan.uuid}")
    old = await client.get(f"/plans/{plan.uuid}/versions/1")
    compared = await client.get(f"/plans/{plan.uuid}/compare?from=1&to=2")

    assert "Version 2" in latest.text
    assert "Patrol &lt;script&gt;" in latest.text
    assert "This is not the latest version" in old.text
    assert "Target knife crime hot spots with joint patrols" in old.text
    assert compared.status_code == 200
    assert "1 reworded" in compared.text
    assert "<del>Target knife crime hot spots with joint patrols</del>" in compared.text
    assert "<script>alert" not in compared.text
    for path in ("/versions/3", "/compare?from=1&to=3", "/compare?from=x&to=2", "/compare"):
        assert (await client.get(f"/plans/{plan.uuid}{path}")).status_code == 404, path
