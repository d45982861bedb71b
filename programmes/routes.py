"""Programme pages, mounted by convention: the organiser's editor (``staff_routes``,
``staff_room_routes``, ``staff_speaker_routes``), the published programme and its
downloads (``public_routes``), speakers' photos (``photo_routes``), delegates' agendas
(``agenda_routes``) and speakers' link pages (``speaker_routes``)."""

from __future__ import annotations

from programmes import (
    agenda_routes,
    photo_routes,
    public_routes,
    speaker_routes,
    staff_room_routes,
    staff_routes,
    staff_speaker_routes,
    workshop_routes,
)

routes = [
    *staff_routes.routes,
    *staff_room_routes.routes,
    *staff_speaker_routes.routes,
    *public_routes.routes,
    *photo_routes.routes,
    *agenda_routes.routes,
    *speaker_routes.routes,
    *workshop_routes.routes,
]
