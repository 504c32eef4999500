"""Installing the app: the manifest, its icons and the service worker at the site root."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.conftest import Account


def test_the_manifest_is_served_with_its_type_and_icons(client: TestClient) -> None:
    response = client.get("/manifest.webmanifest")

    assert response.headers["content-type"] == "application/manifest+json"
    manifest = response.json()
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/"
    sizes = {icon["sizes"] for icon in manifest["icons"] if icon["type"] == "image/png"}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        image = client.get(icon["src"])
        assert image.status_code == 200
        assert image.headers["content-type"] == icon["type"]
    png = client.get("/static/icons/icon-192.png").content
    assert png.startswith(b"\x89PNG\r\n\x1a\n")


def test_the_service_worker_is_served_from_the_root_scope(client: TestClient) -> None:
    response = client.get("/sw.js")

    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["service-worker-allowed"] == "/"
    assert response.headers["cache-control"] == "no-cache"
    for path in ('"/today"', '"/session"', '"/api/program/today"', '"/static/app.css"'):
        assert path in response.text


def test_every_page_links_the_manifest_and_the_offline_script(
    client: TestClient, account: Account
) -> None:
    html = client.get("/check-in").text

    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert '<script src="/static/offline.js" defer></script>' in html
    assert client.get("/static/offline.js").headers["content-type"].startswith("text/javascript")
    assert "sciaticaOffline" in client.get("/static/offline.js").text


def test_the_worker_cache_is_named_after_the_static_files(client: TestClient) -> None:
    from sciatica_care.web.pwa import static_version

    script = client.get("/sw.js").text
    assert "__STATIC_VERSION__" not in script
    assert f'var VERSION = "{static_version()}"' in script
    assert len(static_version()) == 12
