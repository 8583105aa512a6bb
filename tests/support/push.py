"""Push test wiring: the APNs and FCM doubles, the local sink, a sender pointed at them."""
from __future__ import annotations

import threading
from contextlib import contextmanager

import google.auth.credentials

from api.pushdevices.store import DeviceStore
from push.apns import ApnsTransport, ProviderToken
from push.fcm import FcmTransport
from push.local import LocalTransport
from push.service import PushService
from push.sink import make_server
from push.testing.apns_double import ApnsDouble
from push.testing.fcm_double import FcmDouble
from push.testing.h2server import H2Server
from push.testing.server import ThreadedServer, free_port
from push.testing.tls import make_apns_key, make_ca_and_server_cert

BUNDLE = "no.example.pbx"
KEY_ID, TEAM_ID = "ABC123DEFG", "TEAM123456"
FCM_PROJECT, FCM_ACCESS_TOKEN = "pbx-test", "ya29.test-access-token"


class StaticCredentials(google.auth.credentials.Credentials):
    """A Google credential with a fixed access token (no Google servers involved)."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def refresh(self, request) -> None:
        pass


def registered(app, client, who: str, devices: list[dict]) -> dict:
    """A new company whose user `who` logged in and registered `devices`; the admin's headers."""
    from tests.support.api import auth, login, make_company

    c = make_company(app)
    body = login(client, c.users[who])
    h = {"Authorization": f"Bearer {body['access_token']}"}
    for device in devices:
        r = client.post("/api/v1/me/push-devices", headers=h, json=device)
        assert r.status_code == 201, r.get_json()
    return {"tenant": c.tenant_id, "user": body["user"]["id"], "headers": h,
            "admin": auth(client, c.admin_mobile)}


def attempts(client, phone: dict, **query) -> list[dict]:
    """The push log as the company's administrator sees it, oldest first."""
    r = client.get("/api/v1/push-attempts", headers=phone["admin"], query_string=query)
    assert r.status_code == 200
    return list(reversed(r.get_json()))


@contextmanager
def apns_double(tmp_path):
    certs = make_ca_and_server_cert(tmp_path / "tls")
    private, public = make_apns_key()
    double = ApnsDouble(public_key=public, key_id=KEY_ID, team_id=TEAM_ID, topics={BUNDLE})
    with H2Server(double.handle, port=free_port(), certfile=certs["cert"],
                  keyfile=certs["key"]) as server:
        transport = ApnsTransport(ProviderToken(private, KEY_ID, TEAM_ID, 50 * 60),
                                  production_url=server.url, sandbox_url=server.url,
                                  ca_file=certs["ca"])
        yield double, transport


@contextmanager
def fcm_double(access_token: str = FCM_ACCESS_TOKEN):
    double = FcmDouble(project_id=FCM_PROJECT, access_token=FCM_ACCESS_TOKEN)
    with ThreadedServer(double) as server:
        transport = FcmTransport(StaticCredentials(access_token), FCM_PROJECT,
                                 url=server.url + "/v1/projects/{0}/messages:send", timeout=5)
        yield double, transport


@contextmanager
def sink():
    server = make_server("127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server, f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def sender(app, *, ios=None, android=None, sink_url: str = "http://127.0.0.1:9"):
    """A running push sender on the test database; local transport where none is given."""
    local = LocalTransport(sink_url)
    service = PushService(DeviceStore(app.extensions["session_factory"]),
                          {"ios": ios or local, "android": android or local}).start()
    try:
        yield service
    finally:
        service.stop()
