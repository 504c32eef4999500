"""A clinician links a patient with the patient's share code (issue 10 item 2): the page, the API,
one answer for every code that does not work, and a limit on guessing."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from sciatica_care.services.links import MAX_WRONG_CODES
from tests.web.conftest import Account, form_csrf

WRONG_CODE = "ABCDE-FGHJK"


def _make_code(client: TestClient, account: Account) -> str:
    response = client.post("/api/me/share-codes", headers=account.headers)
    assert response.status_code == 201, response.text
    code: str = response.json()["code"]
    return code


def _submit(clinician: Any, code: str) -> Any:
    token = form_csrf(clinician.client.get("/clinic/link").text)
    return clinician.client.post(
        "/clinic/link", data={"code": code, "csrf_token": token}, follow_redirects=False
    )


def test_the_link_page_fills_in_the_code_from_the_patients_link(clinician: Any) -> None:
    response = clinician.client.get("/clinic/link?code=K7QM8-XPD2H")

    assert response.status_code == 200
    assert '<label for="code">Share code</label>' in response.text
    assert 'value="K7QM8-XPD2H"' in response.text


def test_the_right_code_links_and_opens_the_patients_page_with_linked(
    client: TestClient, screened: Account, clinician: Any
) -> None:
    code = _make_code(client, screened).lower().replace("-", " ")

    response = _submit(clinician, code)

    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith("/clinic/patients/")
    public_id = location.rsplit("/", 1)[1]
    assert len(public_id) == 36 and str(screened.id) != public_id
    # The flash shows on the next page rendered (the patient page and caseload are others' work).
    page = clinician.client.get("/clinic/link").text
    assert "Linked: ann@example.org is on your caseload." in page
    everything = clinician.client.get(f"/api/fhir/Patient/{public_id}/$everything")
    assert everything.status_code == 200


def test_a_wrong_code_shows_the_form_again_with_one_message_that_reveals_nothing(
    client: TestClient, screened: Account, clinician: Any
) -> None:
    used = _make_code(client, screened)
    assert _submit(clinician, used).status_code == 303

    wrong = _submit(clinician, WRONG_CODE)
    again = _submit(clinician, used)

    for response in (wrong, again):
        assert response.status_code == 404
        assert "That code did not work." in response.text
        assert 'aria-invalid="true"' in response.text
        assert "ann@example.org" not in response.text
    assert wrong.text.count("That code did not work.") == again.text.count(
        "That code did not work."
    )


def test_something_that_cannot_be_a_code_is_explained(clinician: Any) -> None:
    short = _submit(clinician, "K7QM8")
    empty = _submit(clinician, "  ")

    assert short.status_code == 400
    assert "Enter the 10 letters and numbers of the code" in short.text
    assert empty.status_code == 400
    assert "Enter the code your patient gave you." in empty.text


def test_the_api_links_and_answers_with_the_patient(
    client: TestClient, screened: Account, clinician: Any
) -> None:
    code = _make_code(client, screened)

    response = clinician.client.post(
        "/api/clinician/patients", json={"code": code}, headers=clinician.headers
    )

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"patient_id", "label", "linked_at"}
    assert body["label"] == "ann@example.org"
    assert client.get("/api/me/clinicians").json()[0]["clinician_id"] == clinician.public_id


def test_the_api_refuses_bad_bodies_naming_the_field(clinician: Any) -> None:
    post = clinician.client.post
    malformed = post("/api/clinician/patients", json={"code": "K7"}, headers=clinician.headers)
    missing = post("/api/clinician/patients", json={}, headers=clinician.headers)
    extra = post(
        "/api/clinician/patients", json={"code": WRONG_CODE, "x": 1}, headers=clinician.headers
    )
    wrong = post("/api/clinician/patients", json={"code": WRONG_CODE}, headers=clinician.headers)

    assert malformed.status_code == missing.status_code == extra.status_code == 422
    assert malformed.json()["detail"][0]["loc"] == ["body", "code"]
    assert missing.json()["detail"][0]["loc"] == ["body", "code"]
    assert wrong.status_code == 404


def test_too_many_wrong_codes_are_refused_for_a_while_even_the_right_one(
    client: TestClient, screened: Account, clinician: Any
) -> None:
    for _ in range(MAX_WRONG_CODES):
        response = clinician.client.post(
            "/api/clinician/patients", json={"code": WRONG_CODE}, headers=clinician.headers
        )
        assert response.status_code == 404
    right = _make_code(client, screened)

    api = clinician.client.post(
        "/api/clinician/patients", json={"code": right}, headers=clinician.headers
    )
    page = _submit(clinician, right)

    assert api.status_code == 429
    assert int(api.headers["Retry-After"]) > 0
    assert page.status_code == 429
    assert int(page.headers["Retry-After"]) > 0
    assert "Too many wrong codes" in page.text
    assert client.get("/api/me/clinicians").json() == []


def test_a_patient_cannot_use_the_link_page_or_api(client: TestClient, screened: Account) -> None:
    assert client.get("/clinic/link", follow_redirects=False).headers["location"] == "/"
    response = client.post(
        "/api/clinician/patients", json={"code": WRONG_CODE}, headers=screened.headers
    )
    assert response.status_code == 403


def test_signed_out_the_link_page_asks_to_sign_in_first(client: TestClient) -> None:
    response = client.get("/clinic/link?code=K7QM8-XPD2H", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")
