"""The API documentation page works offline: everything it loads comes from the API itself."""
from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin, urlparse

import requests


class _References(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href") and value:
                self.urls.append(value)


def test_the_docs_page_loads_every_asset_from_the_api_itself(live):
    page = requests.get(f"{live.url}/api/v1/docs", timeout=10)
    assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
    found = _References()
    found.feed(page.text)
    assert len(found.urls) >= 3  # the style sheet and the two scripts
    own = urlparse(live.url).netloc
    for ref in found.urls:
        url = urljoin(page.url, ref)
        assert urlparse(url).netloc == own, f"the docs page loads {ref} from elsewhere"
        asset = requests.get(url, timeout=10)
        assert asset.status_code == 200, ref
        assert len(asset.content) > 1000, ref
    assert "http://" not in page.text.replace(live.url, "") and "https://" not in page.text


def test_the_docs_page_names_the_openapi_document_it_renders(live):
    page = requests.get(f"{live.url}/api/v1/docs", timeout=10)
    assert "/api/v1/openapi.json" in page.text
    spec = requests.get(f"{live.url}/api/v1/openapi.json", timeout=10).json()
    assert spec["openapi"].startswith("3.")


def test_an_asset_outside_the_bundle_is_not_served(live):
    for path in ("../__init__.py", "..%2f__init__.py", "nothing-here.js"):
        r = requests.get(f"{live.url}/api/v1/docs/assets/{path}", timeout=10)
        assert r.status_code == 404, path
