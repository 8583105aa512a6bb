"""`make run` says the backend is running only once every part answers
(`python -m api.wait_ready`): the API and the push sink over HTTP, the SIP edge and each
gateway to a SIP OPTIONS."""
from __future__ import annotations

import socket
import threading

import pytest

from api.wait_ready import main, wait
from tests.support.sip import free_port
from tests.support.stub_http import StubDirectory

pytestmark = pytest.mark.once


class LateSipPeer:
    """A SIP peer that ignores the first `silent` OPTIONS (still starting), then answers 200."""

    def __init__(self, silent: int) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.address = f"sip:127.0.0.1:{self.sock.getsockname()[1]}"
        self.silent, self.asked = silent, 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                data, peer = self.sock.recvfrom(65535)
            except OSError:
                return
            self.asked += 1
            if self.asked <= self.silent or not data.startswith(b"OPTIONS "):
                continue
            head = data.decode().split("\r\n\r\n", 1)[0].split("\r\n")[1:]
            echoed = [h for h in head if h.split(":", 1)[0] in ("Via", "From", "To", "Call-ID",
                                                                "CSeq")]
            self.sock.sendto(("SIP/2.0 200 OK\r\n" + "\r\n".join(echoed)
                              + "\r\nContent-Length: 0\r\n\r\n").encode(), peer)

    def close(self) -> None:
        self.sock.close()


def test_it_waits_until_a_sip_part_still_starting_answers_options():
    peer = LateSipPeer(silent=2)
    try:
        assert wait([peer.address], timeout_s=20) == []
        assert peer.asked == 3
    finally:
        peer.close()


def test_it_names_every_part_that_never_answered_and_fails(capsys):
    silent = LateSipPeer(silent=10**6)
    with StubDirectory() as api:  # answers 404: not ready
        try:
            nobody = f"sip:127.0.0.1:{free_port()}"
            assert main(["--timeout", "1", api.url + "/readyz", silent.address, nobody]) == 1
        finally:
            silent.close()
    err = capsys.readouterr().err
    for part in (api.url + "/readyz", silent.address, nobody):
        assert f"not ready after 1 s: {part}" in err


def test_it_succeeds_when_the_api_and_sip_parts_answer():
    peer = LateSipPeer(silent=0)
    with StubDirectory({"": {"status": "ok"}}) as api:
        try:
            assert main(["--timeout", "10", api.url + "/lookup?number=", peer.address]) == 0
        finally:
            peer.close()
