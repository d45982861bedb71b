"""Programme pages, mounted by convention: the organiser's editor
(``staff_routes``), the published programme and its downloads (``public_routes``),
delegates' agendas (``agenda_routes``) and speakers' link pages (``speaker_routes``)."""

from __future__ import annotations

from programmes import agenda_routes, public_routes, speaker_routes, staff_routes

routes = [
    *staff_routes.routes,
    *public_routes.routes,
    *agenda_routes.routes,
    *speaker_routes.routes,
]
