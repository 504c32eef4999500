"""Two web processes on one PostgreSQL server (issue 10): real operating-system processes started
with ``sciatica serve``, sharing only the database and the secret key, as a clinic runs them.

A session made on one is valid on the other; a share code made on one is spent on the other; a
prescription saved on one is what the patient's program shows on the other.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import PostgresDatabases

pytestmark = pytest.mark.postgres
SCIATICA = [str(Path(sys.executable).with_name("sciatica"))]
PASSWORD = "correct horse battery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_until_up(base: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if process.poll() is not None:
            raise AssertionError(
                f"the web process ended: {process.stderr.read() if process.stderr else ''}"
            )
        try:
            if httpx.get(f"{base}/login", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError("the web process did not start")


@pytest.fixture
def clinic(postgres_databases: PostgresDatabases, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Two `sciatica serve` processes on one migrated PostgreSQL database, and a clinician."""
    env = {
        **os.environ,
        "SCIATICA_DATABASE_URL": postgres_databases.new(),
        "SCIATICA_SECRET_KEY": "clinic-secret-for-two-processes",
        "SCIATICA_DATA_DIR": str(tmp_path),
    }
    subprocess.run([*SCIATICA, "admin", "migrate"], env=env, check=True, capture_output=True)
    subprocess.run(
        [
            *SCIATICA,
            "admin",
            "create-clinician",
            "sam@clinic.example",
            "--name",
            "Sam Lee, PT",
            "--password-stdin",
        ],
        env=env,
        input=f"{PASSWORD}\n".encode(),
        check=True,
        capture_output=True,
    )
    processes, bases = [], []
    try:
        for _ in range(2):
            port = _free_port()
            process = subprocess.Popen(
                [*SCIATICA, "serve", "--port", str(port)],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            processes.append(process)
            bases.append(f"http://127.0.0.1:{port}")
        for base, process in zip(bases, processes, strict=True):
            _wait_until_up(base, process)
        yield bases[0], bases[1]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)


def test_sessions_links_and_prescriptions_cross_processes(clinic: tuple[str, str]) -> None:
    first, second = clinic
    with httpx.Client(base_url=first) as patient_on_first:
        created = patient_on_first.post(
            "/api/accounts",
            json={"email": "ann@example.org", "password": PASSWORD, "timezone": "Europe/London"},
        )
        assert created.status_code == 201, created.text
        csrf = {"X-CSRF-Token": created.json()["csrf_token"]}
        assert patient_on_first.post("/api/me/disclaimer", headers=csrf).status_code == 200
        code = patient_on_first.post("/api/me/share-codes", headers=csrf)
        assert code.status_code == 201, code.text
        cookies = dict(patient_on_first.cookies)

    with httpx.Client(base_url=second, cookies=cookies) as patient_on_second:
        me = patient_on_second.get("/api/me")
        assert me.status_code == 200 and me.json()["email"] == "ann@example.org"

    with httpx.Client(base_url=second) as clinician_on_second:
        signed = clinician_on_second.post(
            "/api/session", json={"email": "sam@clinic.example", "password": PASSWORD}
        )
        assert signed.status_code == 200 and signed.json()["role"] == "clinician"
        staff_csrf = {"X-CSRF-Token": signed.json()["csrf_token"]}
        linked = clinician_on_second.post(
            "/api/clinician/patients", json={"code": code.json()["code"]}, headers=staff_csrf
        )
        assert linked.status_code == 201, linked.text
        patient_id = linked.json()["patient_id"]
        staff_cookies = dict(clinician_on_second.cookies)

    with httpx.Client(base_url=first, cookies=staff_cookies) as clinician_on_first:
        current = clinician_on_first.get(f"/api/clinician/patients/{patient_id}/program")
        assert current.status_code == 200, current.text
        body = current.json()
        prescription = body["prescription"]
        for item in prescription["exercises"]:
            if item["exercise"] == "knee-to-chest":
                item["dose"] = {**item["dose"], "sets": 3, "hold_s": 30}
        saved = clinician_on_first.put(
            f"/api/clinician/patients/{patient_id}/program",
            json={**prescription, "version": body["version"], "reason": "Tolerating holds well"},
            headers=staff_csrf,
        )
        assert saved.status_code == 200, saved.text

    with httpx.Client(base_url=second, cookies=staff_cookies) as clinician_on_second:
        read_back = clinician_on_second.get(f"/api/clinician/patients/{patient_id}/program")
        assert read_back.json()["version"] == body["version"] + 1
        knee = [
            item
            for item in read_back.json()["prescription"]["exercises"]
            if item["exercise"] == "knee-to-chest"
        ]
        assert knee[0]["dose"]["sets"] == 3 and knee[0]["dose"]["hold_s"] == 30

    with httpx.Client(base_url=second, cookies=cookies) as patient_on_second:
        audit = patient_on_second.get("/api/me/audit").json()["entries"]
        assert any("changed your program" in entry["what"] for entry in audit)
