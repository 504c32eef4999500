"""Installing the app: the manifest, its icons and the service worker at the site root; signing
out and deleting the account make the browser forget the offline outbox and the cached pages."""

from __future__ import annotations

import httpx
from fastapi.testclient import TestClient

from tests.web.conftest import Account, form_csrf


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


def _forgets_this_device(response: httpx.Response) -> bool:
    cookies = response.headers.get_list("set-cookie")
    return response.headers.get("clear-site-data") == '"cache", "storage"' and any(
        cookie.startswith("sc_clear_device=1;") and "HttpOnly" not in cookie for cookie in cookies
    )


def test_signing_out_tells_the_browser_to_forget_the_outbox_and_cached_pages(
    client: TestClient, account: Account
) -> None:
    token = form_csrf(client.get("/settings").text)

    response = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)

    assert response.status_code == 303
    assert _forgets_this_device(response)


def test_deleting_the_account_tells_the_browser_to_forget_too(
    client: TestClient, account: Account
) -> None:
    token = form_csrf(client.get("/settings").text.split('action="/settings/delete"')[1])

    response = client.post(
        "/settings/delete",
        data={"csrf_token": token, "password": account.password},
        follow_redirects=False,
    )

    assert response.status_code == 303
    assert _forgets_this_device(response)


def test_a_wrong_password_does_not_clear_anything(client: TestClient, account: Account) -> None:
    token = form_csrf(client.get("/settings").text.split('action="/settings/delete"')[1])

    response = client.post("/settings/delete", data={"csrf_token": token, "password": "nope"})

    assert response.status_code == 400
    assert "clear-site-data" not in response.headers


def test_pages_name_the_account_whose_entries_the_outbox_may_send(
    client: TestClient, account: Account
) -> None:
    html = client.get("/check-in").text
    assert f'<meta name="account-id" content="{account.id}">' in html
    assert '<div id="outbox" class="outbox"></div>' in html

    client.cookies.clear()
    assert 'name="account-id"' not in client.get("/login").text
