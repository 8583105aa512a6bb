"""One HTTP/2 client connection on `h2` and asyncio (see `push.h2client` for the pool).

Per request it does the protocol's work and little else: the request's frames go into the
connection's buffer and are written once per turn of the event loop (a burst of requests
becomes one TLS write), a response is three h2 events and a future, and nothing waits in a
thread. Streams are opened up to the server's SETTINGS_MAX_CONCURRENT_STREAMS (APNs allows
one until it has seen a valid token, then hundreds); further requests wait their turn in
order. A request that is cancelled or runs out of time resets its stream. A connection that
is lost, told to go away (GOAWAY) or leaves a PING unanswered fails its unanswered
requests with `H2Error`.
"""
from __future__ import annotations

import asyncio
import collections

import h2.config
import h2.connection
import h2.errors
import h2.events
import h2.exceptions
from h2.settings import SettingCodes

from .hpackblocks import HeaderBlocks

# The requests are built right here, and of the answers only the status and body are read:
# h2's checks of every header field both ways would cost more than the rest of the request.
_CONFIG = dict(client_side=True, header_encoding=None, validate_outbound_headers=False,
               normalize_outbound_headers=False, validate_inbound_headers=False,
               normalize_inbound_headers=False)
RECOUNT_EVERY = 64   # new streams between two of h2's own counts of the open ones


class H2Error(Exception):
    """The request got no answer: no connection, connection lost, stream reset or refused."""


class NotSent(H2Error):
    """The server never saw the request (the connection closed before it was sent, or a
    GOAWAY said it was not processed): it is safe to send again."""


class Response:
    __slots__ = ("status", "headers", "body")

    def __init__(self, status: int, headers: dict[bytes, bytes], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body


class _Stream:
    __slots__ = ("future", "headers", "body", "unsent")

    def __init__(self, future: asyncio.Future) -> None:
        self.future = future
        self.headers: list | None = None
        self.body = b""
        self.unsent = b""   # request body waiting for flow-control window


class _H2(h2.connection.H2Connection):
    """h2 counts its open streams, walking all of them, before every new one; the
    connection already knows how many it has in flight (`in_flight`) and never opens more
    than the server allows. h2's own count, which also forgets the closed streams, runs
    every `RECOUNT_EVERY` new streams."""

    in_flight = 0
    _since_count = 0

    @property
    def open_outbound_streams(self) -> int:
        self._since_count += 1
        if self._since_count >= RECOUNT_EVERY:
            self._since_count = 0
            return super().open_outbound_streams
        return self.in_flight


class Connection(asyncio.Protocol):
    """One HTTP/2 connection; `request()` from the loop it was made on."""

    def __init__(self, loop: asyncio.AbstractEventLoop, scheme: bytes, authority: bytes,
                 max_streams: int, ping_every_s: float | None = None,
                 fresh_headers: frozenset[bytes] = frozenset()) -> None:
        """`fresh_headers`: the fields that change from request to request (besides the
        path), kept out of HPACK's table (see `push.hpackblocks`)."""
        self._loop = loop
        self._max_streams = max_streams
        self._ping_every = ping_every_s
        self._ping_timer: asyncio.TimerHandle | None = None
        self._unanswered_ping = False
        self._scheme, self._authority = scheme, authority
        self._h2 = _H2(h2.config.H2Configuration(**_CONFIG))
        self._h2.encoder = HeaderBlocks(frozenset({b":path"}) | fresh_headers)
        self._transport: asyncio.Transport | None = None
        self._streams: dict[int, _Stream] = {}
        self._blocked: dict[int, _Stream] = {}  # bodies waiting for flow-control window
        self._turns: collections.deque[asyncio.Future] = collections.deque()  # for a stream
        self._limit = 1   # streams at once: one until the server's SETTINGS are in
        self._granted = 0   # turns handed out whose requests have not opened their stream yet
        self._flush_due = False
        self.closed = False      # no new requests (lost, or the server said GOAWAY)

    # -- used by the pool -------------------------------------------------------------------
    @property
    def load(self) -> int:
        return len(self._streams) + len(self._turns)

    def has_room(self) -> bool:
        return not self.closed and not self._turns and self._free() > 0

    async def request(self, method: bytes, path: bytes, headers: list, body: bytes
                      ) -> Response:
        if self.closed:
            raise NotSent("connection closed")
        if self._turns or self._free() <= 0:
            turn = self._loop.create_future()
            self._turns.append(turn)
            try:
                await turn
            except asyncio.CancelledError:
                if turn.done() and not turn.cancelled():
                    self._granted -= 1
                self._pass_turn()
                raise
            self._granted -= 1
        if self.closed:
            raise NotSent("connection closed")
        conn = self._h2
        try:
            sid = conn.get_next_available_stream_id()
            conn.in_flight = len(self._streams)
            conn.send_headers(sid, [(b":method", method), (b":scheme", self._scheme),
                                    (b":authority", self._authority), (b":path", path),
                                    *headers], end_stream=not body)
        except h2.exceptions.ProtocolError as exc:
            self._fail_all(f"protocol error: {exc}")
            raise NotSent(f"connection closed ({exc})") from exc
        stream = self._streams[sid] = _Stream(self._loop.create_future())
        if body:
            stream.unsent = body
            self._send_body(sid, stream)
        self._flush_soon()
        self._pass_turn()   # the server may allow more than one stream
        try:
            return await stream.future
        except asyncio.CancelledError:
            self._abandon(sid)
            raise

    def alpn(self) -> str | None:
        """The protocol TLS agreed on (`h2` for HTTP/2)."""
        tls = self._transport.get_extra_info("ssl_object") if self._transport else None
        return tls.selected_alpn_protocol() if tls is not None else None

    def close(self) -> None:
        self._stop_pinging()
        if self._transport is not None and not self._transport.is_closing():
            try:
                self._h2.close_connection()
                self._transport.write(self._h2.data_to_send())
            except h2.exceptions.ProtocolError:
                pass
            self._transport.close()

    # -- internals --------------------------------------------------------------------------
    def _ping(self) -> None:
        """Every `ping_every_s`: a PING, which the server must answer before the next one, or
        the connection is taken for dead (a peer or a NAT that vanished without a word) and
        its requests fail now rather than at their deadlines."""
        if self.closed:
            return
        if self._unanswered_ping:
            self._fail_all("no answer to PING")
            self._transport.abort()
            return
        self._unanswered_ping = True
        self._h2.ping(b"pbx-ping")
        self._flush()
        self._ping_timer = self._loop.call_later(self._ping_every, self._ping)

    def _stop_pinging(self) -> None:
        if self._ping_timer is not None:
            self._ping_timer.cancel()
            self._ping_timer = None

    def _free(self) -> int:
        return self._limit - len(self._streams) - self._granted

    def _pass_turn(self) -> None:
        """Let the next waiting request open its stream, if the server allows one more."""
        while self._turns and (self.closed or self._free() > 0):
            turn = self._turns.popleft()
            if not turn.done():
                turn.set_result(None)
                self._granted += 1
                return

    def _send_body(self, sid: int, stream: _Stream) -> None:
        conn = self._h2
        data = stream.unsent
        while data:
            room = min(conn.local_flow_control_window(sid), conn.max_outbound_frame_size)
            if room <= 0:
                break
            chunk, data = data[:room], data[room:]
            conn.send_data(sid, chunk, end_stream=not data)
        stream.unsent = data
        if data:
            self._blocked[sid] = stream
        else:
            self._blocked.pop(sid, None)

    def _abandon(self, sid: int) -> None:
        """The caller gave up (cancelled, timed out): reset the stream, free its place."""
        self._blocked.pop(sid, None)
        if self._streams.pop(sid, None) is None:
            return
        if not self.closed:
            try:
                self._h2.reset_stream(sid, h2.errors.ErrorCodes.CANCEL)
            except h2.exceptions.ProtocolError:
                pass
            self._flush_soon()
        self._pass_turn()

    def _flush_soon(self) -> None:
        if not self._flush_due:
            self._flush_due = True
            self._loop.call_soon(self._flush)

    def _flush(self) -> None:
        self._flush_due = False
        data = self._h2.data_to_send()
        if data and self._transport is not None and not self._transport.is_closing():
            self._transport.write(data)

    def _end(self, sid: int, error: str | None = None, error_class=H2Error) -> None:
        stream = self._streams.pop(sid, None)
        if stream is None:
            return
        if stream.unsent:
            del self._blocked[sid]
        if not stream.future.done():
            if error is not None:
                stream.future.set_exception(error_class(error))
            else:
                headers = dict(stream.headers or ())
                stream.future.set_result(Response(int(headers.get(b":status", b"0")), headers,
                                                  stream.body))
        if self.closed and not self._streams and self._transport is not None:
            self._transport.close()   # after GOAWAY, once the last answer is in
        self._pass_turn()

    def _fail_all(self, why: str, above: int = 0, error_class=H2Error) -> None:
        self.closed = True
        for sid in [s for s in self._streams if s > above]:
            self._end(sid, why, error_class)
        while self._turns:
            turn = self._turns.popleft()
            if not turn.done():
                turn.set_result(None)   # it finds the connection closed and fails
                self._granted += 1
        if not self._streams and self._transport is not None:
            self._transport.close()

    # -- asyncio.Protocol -------------------------------------------------------------------
    def connection_made(self, transport) -> None:
        self._transport = transport
        self._h2.initiate_connection()
        transport.write(self._h2.data_to_send())
        if self._ping_every:
            self._ping_timer = self._loop.call_later(self._ping_every, self._ping)

    def data_received(self, data: bytes) -> None:
        try:
            events = self._h2.receive_data(data)
        except h2.exceptions.ProtocolError as exc:
            self._fail_all(f"protocol error: {exc}")
            self._flush()
            self._transport.close()
            return
        for ev in events:
            if isinstance(ev, h2.events.ResponseReceived):
                stream = self._streams.get(ev.stream_id)
                if stream is not None:
                    stream.headers = ev.headers
            elif isinstance(ev, h2.events.DataReceived):
                stream = self._streams.get(ev.stream_id)
                if stream is not None:
                    stream.body += ev.data
                self._h2.acknowledge_received_data(ev.flow_controlled_length, ev.stream_id)
            elif isinstance(ev, h2.events.StreamEnded):
                self._end(ev.stream_id)
            elif isinstance(ev, h2.events.StreamReset):
                self._end(ev.stream_id, f"stream reset ({ev.error_code!r})")
            elif isinstance(ev, h2.events.WindowUpdated):
                for sid, stream in list(self._blocked.items()):
                    self._send_body(sid, stream)
            elif isinstance(ev, h2.events.RemoteSettingsChanged):
                changed = ev.changed_settings.get(SettingCodes.MAX_CONCURRENT_STREAMS)
                self._limit = min(self._max_streams, changed.new_value if changed else
                                  self._h2.remote_settings.max_concurrent_streams)
                self._pass_turn()
            elif isinstance(ev, h2.events.PingAckReceived):
                self._unanswered_ping = False
            elif isinstance(ev, h2.events.ConnectionTerminated):
                self._fail_all(f"GOAWAY ({ev.error_code!r})", above=ev.last_stream_id or 0,
                               error_class=NotSent)
        self._flush()

    def connection_lost(self, exc) -> None:
        self._stop_pinging()
        self._fail_all("connection lost")
