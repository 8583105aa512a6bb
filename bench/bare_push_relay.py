"""The relay path's ceiling, a process of its own: call ids arrive as datagrams on the socket
it inherited (as the push relay's notifications do) and each is posted straight with `h2` on
one TLS connection (`bench.bench_push.bare_client`): no sender, device look-up or push log.

    python -m bench.bare_push_relay PORT CA_FILE APNS_KEY_FILE
"""
from __future__ import annotations

import asyncio
import os
import socket
import sys
from pathlib import Path


def main() -> None:
    from bench.bench_push import bare_client, sample_request
    from push.relay import FD_ENV, READY

    port, ca, key_file = sys.argv[1:4]
    sock = socket.socket(fileno=int(os.environ[FD_ENV]))
    sock.setblocking(False)
    build = sample_request(Path(key_file).read_bytes())

    async def cids():
        loop = asyncio.get_running_loop()
        while data := await loop.sock_recv(sock, 256):
            yield data.decode()

    asyncio.run(bare_client(int(port), ca, build, cids(), connected=lambda: sock.send(READY)))


if __name__ == "__main__":
    main()
