"""The whole summit day in Chromium with real SMTP (issue 16): the organiser signs in,
creates the event, builds a programme (a plenary, a workshop with two places, two
speakers), invites three delegates and sends the invitations; delegate A registers from
the emailed link, reaches the programme part of their home from the confirmation email
in one click and signs up for the workshop; B registers and picks nothing; C never
answers. One speaker declines and the organiser is emailed; the organiser moves the
workshop and publishes; A and the workshop's speaker each get one email whose calendar
part vobject reads as the new time with a higher SEQUENCE, and nobody else gets
anything. The organiser cancels the event through the confirmation step: A gets
METHOD:CANCEL for the summit and for the workshop, each above the last REQUEST's
SEQUENCE, the workshop's speaker one METHOD:CANCEL for the workshop above theirs, and
A's home shows no check-in code. Every email is read from the SMTP
server, every calendar part by vobject (not the icalendar library that wrote it), and
axe-core checks every page the journey passes.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import vobject

from tests.conftest import STAFF_PASSWORD
from tests.journeys import Mailbox, counts, link_in, part, submit, visit

LONDON = ZoneInfo("Europe/London")
ORGANISER_NAME = "Test organiser"
A = "ann@police.example.org"
B = "bob@council.example.org"
C = "cat@boxing.example.org"
DECLINER = "priya@vru.example.org"
LEADER = "tom@youthclub.example.org"
INVITEES = (
    "name,email,organisation,job title\n"
    f"Ann Lee,{A},Hampshire Constabulary,Inspector\n"
    f"Bob Ray,{B},Southampton City Council,Officer\n"
    f"Cat Jones,{C},Bevois Valley Boxing Academy,Coach\n"
)
WORKSHOP = "Workshop: reaching young people"
PLENARY = "Welcome and the draft plan"


def calendar(message):
    return vobject.readOne(part(message, "text/calendar"))


def london(value: datetime) -> datetime:
    return value.astimezone(LONDON).replace(tzinfo=None)


def by_uid(ics: str) -> dict[str, object]:
    return {vevent.uid.value: vevent for vevent in vobject.readOne(ics).vevent_list}


async def organiser_builds_the_summit(page, organiser) -> int:
    await visit(page, "/login")
    await page.get_by_label("Email address").fill(organiser.email)
    await page.get_by_label("Password").fill(STAFF_PASSWORD)
    await submit(page, page.get_by_role("button", name="Sign in"))
    assert page.url.endswith("/staff")

    await visit(page, "/staff/events/new")
    await page.get_by_label("Title", exact=True).fill("Serious Violence Partnership Summit")
    await page.get_by_label("Organising body").fill("Southampton Community Safety Partnership")
    await page.get_by_label("Contact email").fill("events@safercity.example.org")
    await page.get_by_label("Venue name").fill("St Mary's Stadium")
    await page.get_by_label("Address").fill("Britannia Road\nSouthampton")
    await page.get_by_label("Postcode").fill("SO14 5FP")
    await page.get_by_label("Starts", exact=True).fill("2027-06-09T09:30")
    await page.get_by_label("Ends", exact=True).fill("2027-06-09T16:30")
    await page.get_by_label("Capacity (places)").fill("300")
    await submit(page, page.get_by_role("button", name="Create the event"))
    event_id = int(re.search(r"/staff/events/(\d+)\?done=created", page.url).group(1))
    await submit(page, page.get_by_role("button", name="Publish the event"))

    editor = f"/staff/events/{event_id}/programme"
    await visit(page, editor)
    for room, capacity in (("Main Hall", "200"), ("Itchen Suite", "30")):
        await page.get_by_label("Room name").fill(room)
        await page.get_by_label("Capacity", exact=True).fill(capacity)
        await submit(page, page.get_by_role("button", name="Add the room"))
    for honorific, name, address in (
        ("Dr", "Priya Shah", DECLINER),
        ("Inspector", "Tom Hale", LEADER),
    ):
        await page.get_by_label("Honorific or rank").fill(honorific)
        await page.get_by_label("Name", exact=True).fill(name)
        await page.get_by_label("Email (private)").fill(address)
        await submit(page, page.get_by_role("button", name="Add the speaker"))
    sessions = (
        (PLENARY, "plenary", "2027-06-09T09:30", "2027-06-09T10:30", "Main Hall", ""),
        (WORKSHOP, "workshop", "2027-06-09T11:00", "2027-06-09T12:00", "Itchen Suite", "2"),
    )
    for title, kind, starts, ends, room, places in sessions:
        await page.get_by_label("Title", exact=True).fill(title)
        await page.get_by_label("Type").select_option(kind)
        await page.get_by_label("Starts", exact=True).fill(starts)
        await page.get_by_label("Ends", exact=True).fill(ends)
        await page.get_by_label("Room", exact=True).select_option(label=room)
        await page.get_by_label("Workshop places").fill(places)
        await submit(page, page.get_by_role("button", name="Add the session"))

    # The plenary's speaker (who will decline) and the workshop's (who stays).
    for title, speaker in ((PLENARY, "Dr Priya Shah"), (WORKSHOP, "Inspector Tom Hale")):
        await visit(page, editor)
        await submit(page, page.get_by_role("link", name=title))
        await page.locator("#speaker_1").select_option(label=speaker)
        await submit(page, page.get_by_role("button", name="Save the speakers"))
    for speaker in ("Dr Priya Shah", "Inspector Tom Hale"):
        invite = page.get_by_role("button", name=f"Send invitation to {speaker}")
        await submit(page, invite)
    await submit(page, page.get_by_role("button", name="Publish the programme"))
    assert page.url.endswith("?done=published#publish")

    await visit(page, f"/staff/events/{event_id}/import")
    await page.get_by_label("Or paste the list").fill(INVITEES)
    await submit(page, page.get_by_role("button", name="Preview the import"))
    await submit(page, page.get_by_role("button", name="Import 3 invitees"))
    await submit(page, page.get_by_role("button", name="Send invitations"))
    assert page.url.endswith("done=sent&count=3")
    return event_id


async def register(page, link: str) -> None:
    await visit(page, link)
    await submit(page, page.get_by_role("button", name="Register", exact=True))
    assert await page.locator("h1").inner_text() == "You are registered"


async def test_the_summit_day(page, browser, live_server, organiser, settings, smtp_server):
    mail = Mailbox(settings, smtp_server)
    event_id = await organiser_builds_the_summit(page, organiser)

    # 1. Three invitations and two speaker invitations, nothing else.
    sent = await mail.step()
    assert counts(sent) == {A: 1, B: 1, C: 1, DECLINER: 1, LEADER: 1}
    invitation_link = link_in(sent[A][0], r"(http://\S+/i/[^\s#]+)")
    assert invitation_link.startswith(live_server)

    # 2. A registers from the emailed link; the confirmation's programme link lands on
    # the programme part of A's home, where A signs up for the workshop.
    delegate_context = await browser.new_context(base_url=live_server)
    delegate_context.set_default_timeout(10_000)
    delegate = await delegate_context.new_page()
    await register(delegate, invitation_link)
    confirmed = await mail.step()
    assert counts(confirmed) == {A: 1}
    confirmation = calendar(confirmed[A][0])
    assert confirmation.method.value == "REQUEST"
    summit_request = confirmation.vevent
    summit_uid = summit_request.uid.value
    assert london(summit_request.dtstart.value) == datetime(2027, 6, 9, 9, 30)
    home = link_in(confirmed[A][0], r"(http://\S+/i/[^\s#]+)\s")
    programme_link = link_in(confirmed[A][0], r"(http://\S+/i/\S+#programme)")
    assert programme_link == f"{home}#programme"
    await visit(delegate, programme_link)
    assert delegate.url == programme_link  # the programme part of A's home, not elsewhere
    programme = delegate.locator("#programme")
    assert await programme.is_visible()
    assert await programme.locator("#agenda").inner_text() == "My agenda"
    assert "2 places left" in await programme.locator("#workshops + ul").inner_text()
    sign_up = programme.get_by_role("button", name=re.compile(rf"^Sign up\s*: {WORKSHOP}$"))
    await submit(delegate, sign_up)
    assert "/agenda?done=signed-up" in delegate.url
    await visit(delegate, home)
    assert await delegate.locator("#agenda + ul").inner_text() == (
        f"11:00am to 12:00pm: {WORKSHOP} (Itchen Suite)"
    )
    await visit(delegate, f"{home}/programme")
    assert "Dr Priya Shah" in await delegate.locator("main").inner_text()
    agenda = await delegate.request.get(f"{home}/agenda.ics")
    assert agenda.status == 200
    before = by_uid(await agenda.text())
    assert len(before) == 1
    [(workshop_uid, workshop_before)] = before.items()
    assert london(workshop_before.dtstart.value) == datetime(2027, 6, 9, 11, 0)

    b_context = await browser.new_context(base_url=live_server)
    b_context.set_default_timeout(10_000)
    b_page = await b_context.new_page()
    await register(b_page, link_in(sent[B][0], r"(http://\S+/i/[^\s#]+)"))
    assert counts(await mail.step()) == {B: 1}

    # 3. The plenary's speaker declines through their emailed link; the organiser is told.
    speaker_context = await browser.new_context(base_url=live_server)
    speaker_context.set_default_timeout(10_000)
    speaker = await speaker_context.new_page()
    await visit(speaker, link_in(sent[DECLINER][0], r"(http://\S+/speaker/\S+)"))
    await speaker.get_by_label("Reason (optional)").fill("Council meeting that day")
    await submit(speaker, speaker.get_by_role("button", name="Decline"))
    assert speaker.url.endswith("?done=declined")
    told = await mail.step()
    assert counts(told) == {organiser.email: 1}
    assert told[organiser.email][0]["Subject"] == (
        "Dr Priya Shah has declined to speak at Serious Violence Partnership Summit"
    )

    # The workshop's speaker confirms and keeps their sessions' calendar.
    leader_link = link_in(sent[LEADER][0], r"(http://\S+/speaker/\S+)")
    await visit(speaker, leader_link)
    await submit(speaker, speaker.get_by_role("button", name="Confirm I will speak"))
    leader_ics = await speaker.request.get(f"{leader_link}/sessions.ics")
    assert leader_ics.status == 200
    leader_before = by_uid(await leader_ics.text())
    assert list(leader_before) == [workshop_uid]
    assert int(leader_before[workshop_uid].sequence.value) == int(workshop_before.sequence.value)
    assert counts(await mail.step()) == {}

    # 4. The organiser moves the workshop to the afternoon and publishes version 2.
    editor = f"/staff/events/{event_id}/programme"
    await visit(page, editor)
    assert await page.locator(".speaker-status-declined").count() == 1
    await submit(page, page.get_by_role("link", name=WORKSHOP))
    await page.get_by_label("Starts", exact=True).fill("2027-06-09T14:00")
    await page.get_by_label("Ends", exact=True).fill("2027-06-09T15:00")
    await submit(page, page.get_by_role("button", name="Save the session"))
    assert await page.locator("#clashes").count() == 0
    await submit(page, page.get_by_role("button", name="Publish version 2"))
    assert page.url.endswith("?done=published#publish")

    moved = await mail.step()
    assert counts(moved) == {A: 1, LEADER: 1}
    assert moved[A][0]["Subject"] == (
        "Programme update for Serious Violence Partnership Summit: your agenda has changed"
    )
    await visit(delegate, link_in(moved[A][0], r"(http://\S+/i/\S+#programme)"))
    assert await delegate.locator("#agenda + ul").inner_text() == (
        f"2:00pm to 3:00pm: {WORKSHOP} (Itchen Suite)"
    )
    # The declined speaker is no longer shown as speaking; the one who stays is.
    await visit(delegate, f"{home}/programme")
    published = await delegate.locator("main").inner_text()
    assert "Priya Shah" not in published
    assert "Inspector Tom Hale" in published
    requests = {}
    for who, before_entry in ((A, workshop_before), (LEADER, leader_before[workshop_uid])):
        update = calendar(moved[who][0])
        assert update.method.value == "REQUEST"
        [vevent] = update.vevent_list
        assert vevent.uid.value == workshop_uid
        assert london(vevent.dtstart.value) == datetime(2027, 6, 9, 14, 0)
        assert london(vevent.dtend.value) == datetime(2027, 6, 9, 15, 0)
        assert int(vevent.sequence.value) > int(before_entry.sequence.value)
        requests[who] = int(vevent.sequence.value)

    # 5. The organiser cancels the event through the confirmation step.
    await visit(page, f"/staff/events/{event_id}")
    await submit(page, page.get_by_role("button", name="Cancel the event…"))
    # A, B and C, and the workshop's speaker, who was sent the workshop by REQUEST.
    assert await page.locator("#reach p").first.inner_text() == "This emails 4 people."
    await submit(page, page.get_by_role("button", name="Yes, cancel the event and email 4 people"))
    assert page.url.endswith("?done=cancelled")

    cancelled = await mail.step()
    assert counts(cancelled) == {A: 2, B: 1, C: 1, LEADER: 1}
    b_cancel = calendar(cancelled[B][0])
    assert (b_cancel.method.value, b_cancel.vevent.uid.value) == ("CANCEL", summit_uid)
    assert "text/calendar" not in {p.get_content_type() for p in cancelled[C][0].walk()}
    cancels = {}
    for message in cancelled[A]:
        parsed = calendar(message)
        assert parsed.method.value == "CANCEL"
        [vevent] = parsed.vevent_list
        assert vevent.status.value == "CANCELLED"
        cancels[vevent.uid.value] = int(vevent.sequence.value)
    assert set(cancels) == {summit_uid, workshop_uid}
    assert cancels[summit_uid] > int(summit_request.sequence.value)
    assert cancels[workshop_uid] > requests[A]

    # The workshop's speaker gets one CANCEL for the workshop, above the REQUEST they
    # were sent, with their own link; their sessions' calendar says cancelled too.
    leader_cancel = calendar(cancelled[LEADER][0])
    assert leader_cancel.method.value == "CANCEL"
    [vevent] = leader_cancel.vevent_list
    assert (vevent.uid.value, vevent.status.value) == (workshop_uid, "CANCELLED")
    assert int(vevent.sequence.value) > requests[LEADER]
    assert link_in(cancelled[LEADER][0], r"(http://\S+/speaker/\S+)").startswith(live_server)
    leader_after = await speaker.request.get(f"{leader_link}/sessions.ics")
    [struck] = vobject.readOne(await leader_after.text()).vevent_list
    assert (struck.uid.value, struck.status.value) == (workshop_uid, "CANCELLED")
    assert int(struck.sequence.value) > requests[LEADER]

    await visit(delegate, home)
    assert await delegate.locator("#event-cancelled").inner_text() == (
        "This event has been cancelled."
    )
    assert await delegate.locator(".check-in-code").count() == 0
    assert await delegate.locator("#check-in").count() == 0
    assert "show this code" not in (await delegate.locator("main").inner_text()).lower()
    for context in (delegate_context, b_context, speaker_context):
        await context.close()
