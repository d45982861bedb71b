"""Requests in flight are counted in and out, whatever their answer (convenor.busy)."""

from convenor import busy
from directory import routes as directory_routes


def test_serving_counts_nested_requests_and_lets_go_on_errors():
    assert (busy.in_flight(), busy.others_waiting()) == (0, False)
    with busy.serving():
        assert (busy.in_flight(), busy.others_waiting()) == (1, False)
        try:
            with busy.serving():
                assert (busy.in_flight(), busy.others_waiting()) == (2, True)
                raise RuntimeError("a failing request")
        except RuntimeError:
            pass
        assert busy.in_flight() == 1
    assert busy.in_flight() == 0


async def test_every_request_is_counted_in_and_out(client, monkeypatch):
    seen: list[int] = []
    original = directory_routes.search

    async def search(query):
        seen.append(busy.in_flight())
        return await original(query)

    monkeypatch.setattr(directory_routes, "search", search)

    for path in ("/healthz", "/no-such-page", "/directory"):
        await client.get(path)

    assert seen == [1]  # inside the search page's request
    assert busy.in_flight() == 0
