"""A small HTTP/2 server straight on `h2` and asyncio (TLS with ALPN h2, or cleartext
prior-knowledge): fast enough to measure a client against, and in full control of streams.

`handler(method, path, headers, body)` runs on the server's loop for each complete request
and returns (status, headers, body bytes), or None to leave the stream unanswered (stall).
"""
from __future__ import annotations

import asyncio
import ssl
import threading

import h2.config
import h2.connection
import h2.events
import h2.settings


class _Protocol(asyncio.Protocol):
    def __init__(self, handler, max_streams: int, server: "H2Server") -> None:
        self.handler = handler
        self.server = server
        self.conn = h2.connection.H2Connection(h2.config.H2Configuration(
            client_side=False, header_encoding="utf-8"))
        self.conn.local_settings = h2.settings.Settings(
            client=False, initial_values={h2.settings.SettingCodes.MAX_CONCURRENT_STREAMS:
                                          max_streams})
        self.streams: dict[int, tuple[dict, bytearray]] = {}
        self.pending: dict[int, bytes] = {}  # response bodies waiting for flow-control window
        self.transport: asyncio.Transport | None = None
        self.muted = False

    def connection_made(self, transport) -> None:
        self.transport = transport
        self.server.connections += 1
        self.server.open.add(self)
        self.conn.initiate_connection()
        self.conn.increment_flow_control_window(2**30)
        transport.write(self.conn.data_to_send())

    def connection_lost(self, exc) -> None:
        self.server.open.discard(self)

    def data_received(self, data: bytes) -> None:
        if self.muted:
            return
        try:
            events = self.conn.receive_data(data)
        except h2.exceptions.ProtocolError:
            self.transport.write(self.conn.data_to_send())
            self.transport.close()
            return
        for event in events:
            if isinstance(event, h2.events.RequestReceived):
                self.streams[event.stream_id] = (dict(event.headers), bytearray())
            elif isinstance(event, h2.events.DataReceived):
                self.streams[event.stream_id][1].extend(event.data)
                self.conn.acknowledge_received_data(event.flow_controlled_length,
                                                    event.stream_id)
            elif isinstance(event, h2.events.StreamEnded):
                headers, body = self.streams.pop(event.stream_id)
                answer = self.handler(headers.get(":method"), headers.get(":path"),
                                      {k: v for k, v in headers.items() if k[0] != ":"},
                                      bytes(body))
                if answer is not None:
                    status, extra, payload = answer
                    self.conn.send_headers(event.stream_id, [
                        (":status", str(status)), ("content-length", str(len(payload))),
                        *extra.items()], end_stream=not payload)
                    if payload:
                        self.pending[event.stream_id] = payload
            elif isinstance(event, h2.events.StreamReset):
                self.streams.pop(event.stream_id, None)
                self.pending.pop(event.stream_id, None)
        self._send_pending()
        out = self.conn.data_to_send()
        if out:
            self.transport.write(out)


    def _send_pending(self) -> None:
        for stream_id in list(self.pending):
            data = self.pending[stream_id]
            while data:
                room = min(self.conn.local_flow_control_window(stream_id),
                           self.conn.max_outbound_frame_size)
                if room <= 0:
                    break
                chunk, data = data[:room], data[room:]
                self.conn.send_data(stream_id, chunk, end_stream=not data)
            if data:
                self.pending[stream_id] = data
            else:
                del self.pending[stream_id]


class H2Server:
    """Serve `handler` on 127.0.0.1:`port` from a thread of its own (or `run()` in front)."""

    def __init__(self, handler, *, port: int, certfile: str | None = None,
                 keyfile: str | None = None, max_streams: int = 1000) -> None:
        self.handler, self.port, self.max_streams = handler, port, max_streams
        self.ssl = None
        if certfile:
            self.ssl = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            self.ssl.load_cert_chain(certfile, keyfile)
            self.ssl.set_alpn_protocols(["h2"])
        self.url = f"{'https' if certfile else 'http'}://127.0.0.1:{port}"
        self._loop: asyncio.AbstractEventLoop | None = None
        self.connections = 0       # how many were made so far
        self.open: set[_Protocol] = set()
        self._started = threading.Event()
        self._thread: threading.Thread | None = None

    def run(self) -> None:
        self._loop = asyncio.new_event_loop()
        server = self._loop.run_until_complete(self._loop.create_server(
            lambda: _Protocol(self.handler, self.max_streams, self), "127.0.0.1", self.port,
            ssl=self.ssl))
        self._started.set()
        try:
            self._loop.run_forever()
        finally:
            server.close()
            self._loop.close()

    def goaway(self) -> None:
        """Tell every open connection to go away (as a provider that restarts does): the
        requests it has seen are still answered, new ones must use a new connection."""
        def send() -> None:
            for proto in self.open:
                proto.conn.close_connection()
                proto.transport.write(proto.conn.data_to_send())
        self._on_loop(send)

    def mute(self) -> None:
        """The open connections stay open but read and answer nothing from now on (not even
        a PING): a peer that vanished without closing."""
        def mute() -> None:
            for proto in self.open:
                proto.muted = True
        self._on_loop(mute)

    def drop(self) -> None:
        """Close every open connection at once, answering nothing."""
        self._on_loop(lambda: [proto.transport.close() for proto in list(self.open)])

    def _on_loop(self, fn) -> None:
        done = threading.Event()
        self._loop.call_soon_threadsafe(lambda: (fn(), done.set()))
        done.wait(10)

    def __enter__(self) -> "H2Server":
        self._thread = threading.Thread(target=self.run, daemon=True, name="h2-double")
        self._thread.start()
        if not self._started.wait(10):
            raise RuntimeError("the HTTP/2 double did not start")
        return self

    def __exit__(self, *exc) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
