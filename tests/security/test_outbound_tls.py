"""The pinned connection still speaks TLS to the host name in the URL: the certificate is
verified against that name (and SNI carries it), though the socket goes to the checked
address."""
from __future__ import annotations

import datetime
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from api.core import outbound
from api.core.outbound import Guard, OutboundFailed


def _cert(name: str, key, issuer_name, issuer_key, ca: bool):
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (x509.CertificateBuilder()
               .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
               .issuer_name(issuer_name or x509.Name([x509.NameAttribute(NameOID.COMMON_NAME,
                                                                         name)]))
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(minutes=5))
               .not_valid_after(now + datetime.timedelta(hours=1))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if not ca:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]),
                                        critical=False)
    return builder.sign(issuer_key or key, hashes.SHA256())


@pytest.fixture
def https_server(tmp_path):
    """An HTTPS server on 127.0.0.1 with a certificate for `feeds.invalid` from a test CA;
    records the SNI name each client sent."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _cert("Test CA", ca_key, None, None, ca=True)
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = _cert("feeds.invalid", key, ca.subject, ca_key, ca=False)
    (tmp_path / "leaf.pem").write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(tmp_path / "leaf.pem", tmp_path / "key.pem")
    names: list[str | None] = []
    server_ctx.sni_callback = lambda sock, name, ctx: names.append(name)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's naming)
            self.send_response(200)
            self.send_header("Content-Length", "5")
            self.end_headers()
            self.wfile.write(b"hello")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = server_ctx.wrap_socket(server.socket, server_side=True)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    client_ctx = ssl.create_default_context()
    client_ctx.load_verify_locations(cadata=ca.public_bytes(serialization.Encoding.PEM).decode())
    yield server.server_address[1], names, client_ctx
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


GUARD = Guard(allowed=frozenset({"feeds.invalid", "other.invalid"}))
NAMES = {"feeds.invalid": ["127.0.0.1"], "other.invalid": ["127.0.0.1"]}


def test_the_certificate_is_checked_against_the_host_name_and_sni_carries_it(
        https_server, monkeypatch):
    port, names, trusting = https_server
    monkeypatch.setattr(outbound, "_ssl_context", lambda: trusting)
    with outbound.use_resolver(NAMES):
        assert GUARD.get(f"https://feeds.invalid:{port}/") == (200, b"hello")
        with pytest.raises(OutboundFailed):  # same address, a name the certificate lacks
            GUARD.get(f"https://other.invalid:{port}/")
    assert names[:2] == ["feeds.invalid", "other.invalid"]


def test_a_certificate_from_an_unknown_authority_is_refused(https_server):
    port, names, _ = https_server
    with outbound.use_resolver(NAMES), pytest.raises(OutboundFailed):
        GUARD.get(f"https://feeds.invalid:{port}/")
    assert names == ["feeds.invalid"]
