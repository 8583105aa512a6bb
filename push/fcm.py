"""Android: FCM HTTP v1 through firebase-admin's async (httpx HTTP/2) client."""
from __future__ import annotations

import asyncio
import itertools
from datetime import timedelta

from .payloads import Message
from .policy import Result

_apps = itertools.count(1)


def android_config(msg: Message, remaining_s: float):
    from firebase_admin import messaging

    return messaging.AndroidConfig(priority="high" if msg.high_priority else "normal",
                                   ttl=timedelta(seconds=int(max(0, remaining_s))),
                                   collapse_key=msg.collapse_id)


class FcmTransport:
    """Sends one data message per device; retries are ours (bounded by the ring deadline).

    firebase-admin has no public setting for its endpoint or its async retries: the endpoint is
    the class attribute `_MessagingService.FCM_URL`, read when the messaging service is built,
    and the service's httpx client is replaced by one that never retries by itself.
    """

    name = "fcm"

    def __init__(self, credential, project_id: str | None, *, url: str | None = None,
                 timeout: float = 5.0) -> None:
        import firebase_admin
        from firebase_admin import _http_client, _retry, messaging

        options = {"httpTimeout": timeout}
        if project_id:
            options["projectId"] = project_id
        self.app = firebase_admin.initialize_app(credential, options, name=f"push-{next(_apps)}")
        saved = messaging._MessagingService.FCM_URL
        if url:
            messaging._MessagingService.FCM_URL = url
        try:
            self._service = messaging._get_messaging_service(self.app)
        finally:
            messaging._MessagingService.FCM_URL = saved
        self._service._async_client = _http_client.HttpxAsyncClient(
            credential=self._service._credential, timeout=timeout,
            retry_config=_retry.HttpxRetry(max_retries=0))
        self._messaging = messaging

    @classmethod
    def from_config(cls, cfg) -> "FcmTransport":
        from firebase_admin import credentials

        return cls(credentials.Certificate(cfg.fcm_credentials_file), cfg.fcm_project_id,
                   url=cfg.fcm_url, timeout=cfg.fcm_timeout)

    async def send(self, msg: Message, remaining_s: float) -> Result:
        m = self._messaging.Message(token=msg.token, data=msg.body,
                                    android=android_config(msg, remaining_s))
        try:
            batch = await asyncio.wait_for(
                self._messaging.send_each_async([m], app=self.app), timeout=remaining_s)
        except asyncio.TimeoutError:
            return Result(None, "timeout")
        response = batch.responses[0]
        if response.success:
            return Result(200)
        return _result(response.exception)

    async def aclose(self) -> None:
        import firebase_admin

        await self._service._async_client.aclose()
        # delete_app closes the service with asyncio.run(): not from inside a running loop
        await asyncio.get_running_loop().run_in_executor(None, firebase_admin.delete_app, self.app)


def _result(exc) -> Result:
    http = getattr(exc, "http_response", None)
    if http is None:
        cause = type(getattr(exc, "cause", None)).__name__
        return Result(None, "timeout" if "Timeout" in cause else "connect_error")
    reason = str(getattr(exc, "code", None) or "")
    try:
        for detail in http.json().get("error", {}).get("details", []):
            reason = detail.get("errorCode") or reason
    except (ValueError, AttributeError):
        pass
    retry_after = http.headers.get("retry-after")
    try:
        retry_after = float(retry_after) if retry_after is not None else None
    except ValueError:
        retry_after = None
    return Result(http.status_code, reason[:120] or None, retry_after)
