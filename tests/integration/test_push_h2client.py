"""The HTTP/2 client under the APNs transport, against a real HTTP/2 server over TLS: it keeps
to the server's stream limit, and survives a dropped connection and a GOAWAY."""
from __future__ import annotations

import asyncio
import time

import pytest

from push.h2client import H2Error, Pool, tls_context
from push.testing.h2server import H2Server
from push.testing.server import free_port
from push.testing.tls import make_ca_and_server_cert

pytestmark = pytest.mark.once  # no database involved


def handler(method, path, headers, body):
    if path == "/stall":
        return None  # never answered
    return 200, {"x-echo": body.decode() or "-"}, b'{"path": "%s"}' % path.encode()


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    return make_ca_and_server_cert(tmp_path_factory.mktemp("tls"))


def serve(certs, max_streams: int = 1000) -> H2Server:
    return H2Server(handler, port=free_port(), certfile=certs["cert"], keyfile=certs["key"],
                    max_streams=max_streams)


async def until(check, what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)


def test_many_requests_share_one_connection_and_each_gets_its_own_answer(certs):
    async def main(url):
        pool = Pool(url, tls_context(certs["ca"]))
        answers = await asyncio.gather(*(pool.request(b"POST", f"/n/{i}".encode(), [],
                                                      str(i).encode()) for i in range(300)))
        pool.close()
        return answers

    with serve(certs) as server:
        answers = asyncio.run(main(server.url))
        assert server.connections == 1
    assert [a.status for a in answers] == [200] * 300
    assert [a.headers[b"x-echo"] for a in answers] == [str(i).encode() for i in range(300)]
    assert answers[7].body == b'{"path": "/n/7"}'


def test_a_request_beyond_the_servers_stream_limit_waits_for_a_free_stream(certs):
    async def main(url):
        pool = Pool(url, tls_context(certs["ca"]))
        await pool.request(b"POST", b"/first", [], b"")  # connected, the server's SETTINGS in
        async def stall():
            async with asyncio.timeout(0.3):
                await pool.request(b"POST", b"/stall", [], b"x")

        stalled = asyncio.ensure_future(stall())
        await asyncio.sleep(0)  # the stalled request takes the only stream first
        queued = await pool.request(b"POST", b"/after", [], b"y")
        pool.close()
        return stalled, queued

    with serve(certs, max_streams=1) as server:
        stalled, queued = asyncio.run(main(server.url))
        assert server.connections == 1  # waited its turn, not refused, not a second connection
    assert isinstance(stalled.exception(), TimeoutError)
    assert queued.status == 200  # the stalled stream was reset when its caller gave up


def test_a_dropped_connection_fails_its_requests_and_the_next_one_reconnects(certs):
    async def main(server):
        pool = Pool(server.url, tls_context(certs["ca"]))
        waiting = asyncio.ensure_future(pool.request(b"POST", b"/stall", [], b""))
        await until(lambda: server.open, "the connection")
        await asyncio.get_running_loop().run_in_executor(None, server.drop)
        with pytest.raises(H2Error):
            await asyncio.wait_for(waiting, 10)
        answer = await pool.request(b"POST", b"/again", [], b"")
        pool.close()
        return answer

    with serve(certs) as server:
        assert asyncio.run(main(server)).status == 200
        assert server.connections == 2


def test_after_a_goaway_new_requests_go_on_a_new_connection(certs):
    async def main(server):
        pool = Pool(server.url, tls_context(certs["ca"]))
        first = await pool.request(b"POST", b"/one", [], b"")
        await asyncio.get_running_loop().run_in_executor(None, server.goaway)
        second = await pool.request(b"POST", b"/two", [], b"")  # whether it saw it or not
        pool.close()
        return first, second

    with serve(certs) as server:
        first, second = asyncio.run(main(server))
        assert server.connections == 2
    assert (first.status, second.status) == (200, 200)


def test_a_connection_that_goes_silent_is_found_by_ping_and_replaced(certs):
    async def main(server):
        pool = Pool(server.url, tls_context(certs["ca"]), ping_every_s=0.2)
        first = await pool.request(b"POST", b"/one", [], b"")
        await asyncio.get_running_loop().run_in_executor(None, server.mute)
        with pytest.raises(H2Error, match="PING"):  # well before this 20 s deadline
            await asyncio.wait_for(pool.request(b"POST", b"/lost", [], b""), 20)
        again = await pool.request(b"POST", b"/again", [], b"")
        pool.close()
        return first, again

    with serve(certs) as server:
        first, again = asyncio.run(main(server))
        assert server.connections == 2
    assert (first.status, again.status) == (200, 200)


def test_a_server_without_http2_is_refused_as_no_answer(certs):
    async def main(url):
        ctx = tls_context(certs["ca"])
        ctx.set_alpn_protocols(["http/1.1"])  # the server then picks no h2
        with pytest.raises(H2Error, match="HTTP/2"):
            await Pool(url, ctx).request(b"GET", b"/", [], b"")

    with serve(certs) as server:
        asyncio.run(main(server.url))


def test_no_server_is_no_answer_not_an_exception_of_the_socket():
    async def main():
        with pytest.raises(H2Error, match="cannot connect"):
            await Pool(f"https://127.0.0.1:{free_port()}", tls_context()).request(
                b"GET", b"/", [], b"")

    asyncio.run(main())
