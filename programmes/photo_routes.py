"""Speaker photos as images: in a published programme (public, through a delegate's link
or a speaker's link) under ``<programme address>/photos/<name>``, and the photo a
speaker has now, for themselves (``/speaker/<token>/photo``) and for the organisers.

A published programme's photo is served only if that viewer's programme shows the
speaker (a speaker only in not-for-publication sessions is not shown to the public);
anything else is 404. A photo's name never changes its bytes, so published photos are
cached; the current photo keeps one address and is revalidated by its ETag instead.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from convenor.errors import NotFound
from convenor.web import settings_of
from programmes import service
from programmes.photo_files import read_photo
from programmes.public_routes import speakers_in, token_of

PUBLIC_CACHE = "public, max-age=3600"
LINK_CACHE = "private, max-age=3600"
CURRENT_CACHE = "private, no-cache"


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in tags or etag in tags


async def photo_response(request: Request, name: str, cache_control: str) -> Response:
    """The photo called ``name`` as image/jpeg (304 when the client has it already)."""
    body = await read_photo(settings_of(request), name)
    headers = {"ETag": f'"{name.removesuffix(".jpg")}"', "Cache-Control": cache_control}
    if _matches(request.headers.get("if-none-match"), headers["ETag"]):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="image/jpeg", headers=headers)


async def public_photo(request: Request) -> Response:
    view = await service.public_programme(str(request.path_params["event"]))
    name = service.shown_photo(view.public_speakers(), request.path_params["name"])
    return await photo_response(request, name, PUBLIC_CACHE)


async def delegate_photo(request: Request) -> Response:
    found = await service.delegate_programme(token_of(request))
    name = service.shown_photo(speakers_in(found.view, found.sessions), request.path_params["name"])
    return await photo_response(request, name, LINK_CACHE)


async def speaker_programme_photo(request: Request) -> Response:
    view = await service.speaker_programme(token_of(request))
    name = service.shown_photo(view.public_speakers(), request.path_params["name"])
    return await photo_response(request, name, LINK_CACHE)


async def own_photo(request: Request) -> Response:
    """The photo a speaker has now (before it is published), through their link."""
    speaker = (await service.speaker_page(token_of(request))).speaker
    if not speaker.photo_path:
        raise NotFound()
    return await photo_response(request, speaker.photo_path, CURRENT_CACHE)
