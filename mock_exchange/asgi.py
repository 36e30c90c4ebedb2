"""Small ASGI helpers shared by the middleware and the dispatcher: read a bounded body, send JSON."""

from __future__ import annotations

from starlette.types import Receive, Send


class BodyTooLarge(Exception):
    pass


class ClientGone(Exception):
    pass


async def read_body(receive: Receive, limit: int, content_length: bytes | None = None) -> bytes:
    """The whole request body, refusing anything over `limit` bytes (without reading any of it when
    the announced `content_length` is already over)."""
    if content_length is not None:
        try:
            if int(content_length) > limit:
                raise BodyTooLarge
        except ValueError:
            pass
    chunks = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone
        chunk = message.get("body", b"")
        if chunk:
            size += len(chunk)
            if size > limit:
                raise BodyTooLarge
            chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def send_json(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    all_headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if headers:
        all_headers.extend(headers)
    await send({"type": "http.response.start", "status": status, "headers": all_headers})
    await send({"type": "http.response.body", "body": body})
