"""Every page of the programmes domain: one table of every URL, its methods and handler.

Order matters: Starlette tries the routes in this order and takes the first whose path
and method match (``tests/programmes/test_programmes_route_table.py`` checks that no
route hides a later one and that every handler below is a public name of its module).
Handlers live in modules by audience; each one parses the request, calls
``programmes.service`` and renders:

- ``staff_routes``: the organiser's editor page, draft sessions, publishing and past
  versions, and the helpers the other editor modules share;
- ``staff_room_routes``: rooms in the editor;
- ``staff_speaker_routes``: speakers in the editor and their photos;
- ``workshop_routes``: the organiser's workshop lists as .csv or .xlsx;
- ``public_routes``: the published programme, its session pages and downloads (feed,
  .ics, PDF, frab JSON and XML), publicly and through a delegate's personal link;
- ``wall_routes``: the venue's "now and next" screen and the embeddable programme;
- ``photo_routes``: speaker photos as images;
- ``agenda_routes``: a delegate's agenda, its .ics download and subscribable feed;
- ``speaker_routes``: a speaker's own pages through their personal link.

The JSON API of the domain (under ``/api/v1``) has its own table in ``programmes.api``
(reading the published programme), which mounts ``programmes.draft_api``'s (editing the
draft). Both tables are found by convention (``convenor.domains``): ``routes`` here and
``routes`` in ``programmes.api``.
"""

from __future__ import annotations

from starlette.routing import Route

from programmes import (
    agenda_routes,
    photo_routes,
    public_routes,
    speaker_routes,
    staff_room_routes,
    staff_routes,
    staff_speaker_routes,
    wall_routes,
    workshop_routes,
)

routes = [
    # The organiser's programme editor: the editor page, draft sessions, publishing, versions.
    Route("/staff/events/{event_id:int}/programme", staff_routes.editor, methods=["GET"]),
    Route(
        "/staff/events/{event_id:int}/programme/sessions",
        staff_routes.add_session,
        methods=["POST"],
    ),
    Route(
        "/staff/events/{event_id:int}/programme/sessions/{session_id:int}",
        staff_routes.session_page,
        methods=["GET"],
    ),
    Route(
        "/staff/events/{event_id:int}/programme/sessions/{session_id:int}",
        staff_routes.update_session,
        methods=["POST"],
    ),
    Route(
        "/staff/events/{event_id:int}/programme/sessions/{session_id:int}/speakers",
        staff_routes.session_speakers,
        methods=["POST"],
    ),
    Route(
        "/staff/events/{event_id:int}/programme/sessions/{session_id:int}/cancel",
        staff_routes.cancel_session,
        methods=["POST"],
    ),
    Route(
        "/staff/events/{event_id:int}/programme/sessions/{session_id:int}/restore",
        staff_routes.restore_session,
        methods=["POST"],
    ),
    Route("/staff/events/{event_id:int}/programme/publish", staff_routes.publish, methods=["POST"]),
    Route(
        "/staff/events/{event_id:int}/programme/workshops",
        staff_routes.workshops_page,
        methods=["GET"],
    ),
    Route(
        "/staff/events/{event_id:int}/programme/speakers/{speaker_id:int}/keep",
        staff_routes.keep_speaker_on,
        methods=["POST"],
    ),
    Route(
        "/staff/events/{event_id:int}/programme/versions/{number:int}",
        staff_routes.version_page,
        methods=["GET"],
    ),
    # The editor's rooms.
    Route(
        "/staff/events/{event_id:int}/programme/rooms", staff_room_routes.add_room, methods=["POST"]
    ),
    Route(
        "/staff/events/{event_id:int}/programme/rooms/order",
        staff_room_routes.order_rooms,
        methods=["POST"],
    ),
    Route(
        "/staff/events/{event_id:int}/programme/rooms/{room_id:int}",
        staff_room_routes.room_page,
        methods=["GET"],
    ),
    Route(
        "/staff/events/{event_id:int}/programme/rooms/{room_id:int}",
        staff_room_routes.update_room,
        methods=["POST"],
    ),
    Route(
        "/staff/events/{event_id:int}/programme/rooms/{room_id:int}/remove",
        staff_room_routes.remove_room,
        methods=["POST"],
    ),
    # The editor's speakers and their current photos.
    Route(
        "/staff/events/{event_id:int}/programme/speakers",
        staff_speaker_routes.add_speaker,
        methods=["POST"],
    ),
    Route(
        "/staff/events/{event_id:int}/programme/speakers/{speaker_id:int}",
        staff_speaker_routes.speaker_page,
        methods=["GET"],
    ),
    Route(
        "/staff/events/{event_id:int}/programme/speakers/{speaker_id:int}",
        staff_speaker_routes.update_speaker,
        methods=["POST"],
    ),
    Route(
        "/staff/events/{event_id:int}/programme/speakers/{speaker_id:int}/invite",
        staff_speaker_routes.invite_speaker,
        methods=["POST"],
    ),
    Route(
        "/staff/events/{event_id:int}/programme/speakers/{speaker_id:int}/remove",
        staff_speaker_routes.remove_speaker,
        methods=["POST"],
    ),
    Route(
        "/staff/events/{event_id:int}/programme/speakers/{speaker_id:int}/photo",
        staff_speaker_routes.photo,
        methods=["GET"],
    ),
    Route(
        "/staff/events/{event_id:int}/programme/speakers/{speaker_id:int}/photo",
        staff_speaker_routes.upload_photo,
        methods=["POST"],
    ),
    Route(
        "/staff/events/{event_id:int}/programme/speakers/{speaker_id:int}/photo/remove",
        staff_speaker_routes.remove_photo,
        methods=["POST"],
    ),
    # The published programme: public addresses (by the event's uuid, as its page is:
    # an unlisted event's ids cannot be counted through), then the same pages through a
    # delegate's link. Addresses by the event's number, as they were, move to the uuid
    # for a public event (301) and are not found for any other.
    Route(
        "/events/{event_id:int}/programme{rest:path}",
        public_routes.numbered_address,
        methods=["GET"],
    ),
    Route("/events/{event:uuid}/programme", public_routes.programme_page, methods=["GET"]),
    # The venue's screens ask every 30 seconds (wall_routes): early in the table.
    Route("/events/{event:uuid}/programme/now", wall_routes.now_screen, methods=["GET"]),
    # Changelog, speaker pages (public_routes, changelog).
    Route("/events/{event:uuid}/programme/changes", public_routes.changes_page, methods=["GET"]),
    Route(
        "/events/{event:uuid}/programme/changes.atom",
        public_routes.changes_atom,
        methods=["GET"],
    ),
    Route(
        "/events/{event:uuid}/programme/speakers/{speaker_id:int}",
        public_routes.speaker_page,
        methods=["GET"],
    ),
    Route(
        "/events/{event:uuid}/programme/speakers/{speaker_id:int}.ics",
        public_routes.speaker_calendar,
        methods=["GET"],
    ),
    Route("/i/{token:str}/programme/changes", public_routes.delegate_changes_page, methods=["GET"]),
    Route(
        "/i/{token:str}/programme/changes.atom",
        public_routes.delegate_changes_atom,
        methods=["GET"],
    ),
    Route(
        "/i/{token:str}/programme/speakers/{speaker_id:int}",
        public_routes.delegate_speaker_page,
        methods=["GET"],
    ),
    Route(
        "/i/{token:str}/programme/speakers/{speaker_id:int}.ics",
        public_routes.delegate_speaker_calendar,
        methods=["GET"],
    ),
    Route(
        "/events/{event:uuid}/programme.ics",
        public_routes.programme_calendar_feed,
        methods=["GET"],
    ),
    Route(
        "/events/{event:uuid}/programme.pdf",
        public_routes.programme_pdf_download,
        methods=["GET"],
    ),
    Route(
        "/events/{event:uuid}/programme/schedule.json",
        public_routes.schedule_json,
        methods=["GET"],
    ),
    Route(
        "/events/{event:uuid}/programme/schedule.xml", public_routes.schedule_xml, methods=["GET"]
    ),
    Route(
        "/events/{event:uuid}/programme/sessions/{session_id:int}",
        public_routes.session_page,
        methods=["GET"],
    ),
    Route(
        "/events/{event:uuid}/programme/sessions/{session_id:int}.ics",
        public_routes.session_calendar,
        methods=["GET"],
    ),
    Route("/i/{token:str}/programme", public_routes.delegate_programme_page, methods=["GET"]),
    Route("/i/{token:str}/programme.pdf", public_routes.delegate_pdf, methods=["GET"]),
    Route(
        "/i/{token:str}/programme/sessions/{session_id:int}",
        public_routes.delegate_session_page,
        methods=["GET"],
    ),
    Route(
        "/i/{token:str}/programme/sessions/{session_id:int}.ics",
        public_routes.delegate_session_calendar,
        methods=["GET"],
    ),
    # The venue's screens and the embeddable programme (wall_routes).
    Route("/i/{token:str}/programme/now", wall_routes.delegate_now_screen, methods=["GET"]),
    Route(
        "/events/{event:uuid}/programme/embed",
        wall_routes.embedded_programme,
        methods=["GET"],
    ),
    # Speaker photos in a published programme, and a speaker's own current photo.
    Route(
        "/events/{event:uuid}/programme/photos/{name:str}",
        photo_routes.public_photo,
        methods=["GET"],
    ),
    Route(
        "/i/{token:str}/programme/photos/{name:str}", photo_routes.delegate_photo, methods=["GET"]
    ),
    Route(
        "/speaker/{token:str}/programme/photos/{name:str}",
        photo_routes.speaker_programme_photo,
        methods=["GET"],
    ),
    Route("/speaker/{token:str}/photo", photo_routes.own_photo, methods=["GET"]),
    # A delegate's agenda (through their link) and its subscribable feed.
    Route("/i/{token:str}/agenda", agenda_routes.agenda_page, methods=["GET"]),
    Route("/i/{token:str}/agenda.ics", agenda_routes.agenda_download, methods=["GET"]),
    Route("/i/{token:str}/agenda/add", agenda_routes.add_to_agenda, methods=["POST"]),
    Route("/i/{token:str}/agenda/remove", agenda_routes.remove_from_agenda, methods=["POST"]),
    Route("/i/{token:str}/agenda/sign-up", agenda_routes.sign_up, methods=["POST"]),
    Route("/i/{token:str}/agenda/give-up", agenda_routes.give_up_place, methods=["POST"]),
    Route("/i/{token:str}/agenda/feed", agenda_routes.make_feed, methods=["POST"]),
    Route("/i/{token:str}/agenda/feed/rotate", agenda_routes.rotate_feed, methods=["POST"]),
    Route("/agenda/{feed:str}.ics", agenda_routes.agenda_subscription, methods=["GET"]),
    # A speaker's pages through their link.
    Route("/speaker/{token:str}", speaker_routes.speaker_home, methods=["GET"]),
    Route("/speaker/{token:str}/confirm", speaker_routes.confirm, methods=["POST"]),
    Route("/speaker/{token:str}/decline", speaker_routes.decline, methods=["POST"]),
    Route("/speaker/{token:str}/profile", speaker_routes.save_profile, methods=["POST"]),
    Route("/speaker/{token:str}/photo", speaker_routes.upload_photo, methods=["POST"]),
    Route("/speaker/{token:str}/photo/remove", speaker_routes.remove_photo, methods=["POST"]),
    Route(
        "/speaker/{token:str}/sessions.ics",
        speaker_routes.speaker_sessions_calendar,
        methods=["GET"],
    ),
    Route("/speaker/{token:str}/programme", speaker_routes.speaker_programme_page, methods=["GET"]),
    Route(
        "/speaker/{token:str}/programme/sessions/{session_id:int}",
        speaker_routes.speaker_session_page,
        methods=["GET"],
    ),
    Route(
        "/speaker/{token:str}/programme/sessions/{session_id:int}.ics",
        speaker_routes.speaker_session_calendar,
        methods=["GET"],
    ),
    # The organiser's workshop lists (.csv or .xlsx).
    Route(
        "/staff/events/{event_id:int}/programme/workshops.{fmt:str}",
        workshop_routes.workshop_list,
        methods=["GET"],
    ),
    Route(
        "/staff/events/{event_id:int}/programme/sessions/{session_id:int}/places.{fmt:str}",
        workshop_routes.workshop_list,
        methods=["GET"],
    ),
]
