"""Wait until every part of a started backend answers (used by `make run` before it says so).

    python -m api.wait_ready [--timeout SECONDS] TARGET...

A target is an HTTP URL (ready when it answers 200: the API's `/readyz`, the push sink's
`/healthz`) or a SIP address `sip:HOST:PORT` (ready when a SIP OPTIONS sent over UDP gets a
final answer: the edge, each gateway). Exit status 0 when all answered in time; otherwise 1,
with the parts that did not answer on stderr.
"""
from __future__ import annotations

import argparse
import secrets
import socket
import sys
import time
import urllib.request

POLL_S = 0.2


def http_answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as resp:
            return resp.status == 200
    except OSError:
        return False


def options_request(host: str, port: int, local: tuple[str, int]) -> bytes:
    branch, tag, call_id = (secrets.token_hex(8) for _ in range(3))
    via_host, via_port = local
    return (f"OPTIONS sip:{host}:{port} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP {via_host}:{via_port};branch=z9hG4bK{branch};rport\r\n"
            f"Max-Forwards: 70\r\n"
            f"From: <sip:ready@{via_host}>;tag={tag}\r\n"
            f"To: <sip:{host}:{port}>\r\n"
            f"Call-ID: {call_id}@{via_host}\r\n"
            f"CSeq: 1 OPTIONS\r\n"
            f"Accept: application/sdp\r\n"
            f"Content-Length: 0\r\n\r\n").encode()


def sip_answers(host: str, port: int, timeout: float = 1.0) -> bool:
    """True when an OPTIONS to host:port gets a final response (any status: the SIP stack
    is up and handling requests)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        try:
            sock.connect((host, port))
            sock.send(options_request(host, port, sock.getsockname()))
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                status = sock.recv(65535).split(b"\r\n", 1)[0].split(b" ")
                if len(status) > 1 and status[0] == b"SIP/2.0" and not status[1].startswith(b"1"):
                    return True
        except OSError:  # refused (nothing bound yet) or no answer in time
            return False
    return False


def answers(target: str) -> bool:
    if target.startswith("sip:"):
        host, _, port = target[4:].rpartition(":")
        return sip_answers(host, int(port))
    return http_answers(target)


def wait(targets: list[str], timeout_s: float) -> list[str]:
    """The targets that did not answer within `timeout_s` (an empty list: all are ready)."""
    waiting = list(targets)
    deadline = time.monotonic() + timeout_s
    while waiting:
        waiting = [t for t in waiting if not answers(t)]
        if not waiting or time.monotonic() >= deadline:
            break
        time.sleep(POLL_S)
    return waiting


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m api.wait_ready", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS")
    parser.add_argument("targets", nargs="+", metavar="TARGET")
    args = parser.parse_args(argv)
    missing = wait(args.targets, args.timeout)
    for target in missing:
        print(f"not ready after {args.timeout:g} s: {target}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
