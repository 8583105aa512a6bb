"""The app's API client: logs in with a mobile number and keeps the session alive."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import requests


class ApiError(Exception):
    """A problem+json answer from the API."""

    def __init__(self, status: int, problem: dict[str, Any]):
        self.status = status
        self.problem = problem
        super().__init__(f"{status}: {problem.get('detail') or problem.get('title')}")


class AppClient:
    """What the phone app does over HTTP. Counts requests (the app's taps cost requests)."""

    def __init__(self, base_url: str, *, state_file: Path | None = None,
                 user_agent: str = "PBXCompanion-sim/1.0") -> None:
        self.base_url = base_url.rstrip("/")
        self.http = requests.Session()
        self.http.headers["User-Agent"] = user_agent
        self.state_file = state_file
        self.access_token: str | None = None
        self.refresh_token: str | None = None
        self.requests_sent = 0
        if state_file and state_file.exists():
            saved = json.loads(state_file.read_text())
            self.access_token, self.refresh_token = saved.get("access"), saved.get("refresh")

    # -- plumbing ---------------------------------------------------------------------------
    def _save(self) -> None:
        if self.state_file:
            self.state_file.parent.mkdir(parents=True, exist_ok=True)
            self.state_file.write_text(json.dumps({"access": self.access_token,
                                                   "refresh": self.refresh_token}))
            self.state_file.chmod(0o600)

    def _send(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = kwargs.pop("headers", {})
        if self.access_token:
            headers["Authorization"] = f"Bearer {self.access_token}"
        self.requests_sent += 1
        return self.http.request(method, self.base_url + path, headers=headers, timeout=10,
                                 **kwargs)

    def request(self, method: str, path: str, **kwargs) -> Any:
        """Send a request; on 401 refresh the session once and retry, as the app does."""
        resp = self._send(method, path, **kwargs)
        if resp.status_code == 401 and self.refresh_token and not path.startswith("/api/v1/auth/"):
            self.refresh()
            resp = self._send(method, path, **kwargs)
        return self._result(resp)

    @staticmethod
    def _result(resp: requests.Response) -> Any:
        if resp.status_code >= 400:
            try:
                problem = resp.json()
            except ValueError:
                problem = {"detail": resp.text[:200]}
            raise ApiError(resp.status_code, problem)
        if resp.status_code == 204 or not resp.content:
            return None
        return resp.json() if "json" in resp.headers.get("Content-Type", "") else resp.text

    # -- accounts ---------------------------------------------------------------------------
    def login(self, mobile: str, password: str) -> dict:
        self.access_token = None
        body = self._result(self._send("POST", "/api/v1/auth/login",
                                       json={"username": mobile, "password": password}))
        self._take(body)
        return body

    def _take(self, body: dict) -> None:
        self.access_token, self.refresh_token = body["access_token"], body["refresh_token"]
        self._save()

    def refresh(self) -> dict:
        token = self.refresh_token
        self.access_token = None
        try:
            body = self._result(self._send("POST", "/api/v1/auth/refresh",
                                           json={"refresh_token": token}))
        except ApiError:
            self.refresh_token = None
            self._save()
            raise
        self._take(body)
        return body

    def logout(self) -> None:
        try:
            self.request("POST", "/api/v1/auth/logout")
        finally:
            self.access_token = self.refresh_token = None
            self._save()

    def me(self) -> dict:
        return self.request("GET", "/api/v1/me")

    def change_password(self, current: str, new: str) -> None:
        self.request("PUT", "/api/v1/me/password",
                     json={"current_password": current, "new_password": new})

    def sessions(self) -> list[dict]:
        return self.request("GET", "/api/v1/me/sessions")
