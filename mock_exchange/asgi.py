"""Small ASGI helpers shared by the middleware and the dispatcher: read a bounded body, send JSON."""

from __future__ import annotations

from starlette.types import Message, Receive, Send

from .journal import BODY_LIMIT, JournalEntry


class BodyTooLarge(Exception):
    pass


class ClientGone(Exception):
    pass


def announced_too_large(content_length: bytes | None, limit: int) -> bool:
    """Whether the request's Content-Length already says its body is over `limit` bytes."""
    if content_length is None:
        return False
    try:
        return int(content_length) > limit
    except ValueError:
        return False


async def read_body(receive: Receive, limit: int, first: Message | None = None) -> bytes:
    """The whole request body (starting from `first`, a message already received), refusing
    anything over `limit` bytes as soon as it gets there."""
    chunks = []
    size = 0
    message = first if first is not None else await receive()
    while True:
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
        message = await receive()
    return b"".join(chunks)


async def send_json(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]] | None = None,
                    info: JournalEntry | None = None) -> None:
    """Send a whole JSON answer; with `info`, the answer is kept in the request's journal entry too."""
    if info is not None:  # note_answer, inline: every answer pays for it
        info["_answer"] = body[:BODY_LIMIT]
        info["answerBytes"] = len(body)
    all_headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if headers:
        all_headers.extend(headers)
    await send({"type": "http.response.start", "status": status, "headers": all_headers})
    await send({"type": "http.response.body", "body": body})
