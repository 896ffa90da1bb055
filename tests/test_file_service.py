"""The file service: the output root only (no way out of it), behind basic auth; download addresses."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from canbao.outputs import download_url
from canbao.outputs.service import file_app

AUTH = "canbao:s3cret"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "secret.txt").write_text("outside", encoding="utf-8")
    out = tmp_path / "out"
    (out / "kaijiang-2020" / "weekly").mkdir(parents=True)
    (out / "kaijiang-2020" / "weekly" / "周报表（内部）.xlsx").write_bytes(b"PK\x03\x04workbook")
    (out / "kaijiang-2020" / "escape").symlink_to(tmp_path / "secret.txt")
    return out


def _basic(auth: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(auth.encode()).decode()}


def test_a_file_downloads_with_the_api_credentials_only(root: Path) -> None:
    client = TestClient(file_app(root, AUTH))
    url = download_url(root / "kaijiang-2020" / "weekly" / "周报表（内部）.xlsx", root, "http://testserver")
    assert url == "http://testserver/kaijiang-2020/weekly/%E5%91%A8%E6%8A%A5%E8%A1%A8%EF%BC%88%E5%86%85%E9%83%A8%EF%BC%89.xlsx"
    refused = client.get(url)
    assert refused.status_code == 401 and refused.headers["www-authenticate"].startswith("Basic")
    assert client.get(url, headers=_basic("canbao:wrong")).status_code == 401
    assert client.get(url, headers={"Authorization": "Basic !!!"}).status_code == 401
    got = client.get(url, headers=_basic(AUTH))
    assert got.status_code == 200 and got.content == b"PK\x03\x04workbook"
    assert "spreadsheetml" in got.headers["content-type"]


@pytest.mark.parametrize("path", ["/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt",
                                  "/kaijiang-2020/../../secret.txt", "/kaijiang-2020/escape", "//etc/passwd"])
def test_nothing_outside_the_output_root_is_served(root: Path, path: str) -> None:
    response = TestClient(file_app(root, AUTH)).get(path, headers=_basic(AUTH))
    assert response.status_code == 404
    assert b"outside" not in response.content


def test_without_an_auth_string_the_service_is_open_and_addresses_need_a_base(root: Path) -> None:
    workbook = root / "kaijiang-2020" / "weekly" / "周报表（内部）.xlsx"
    assert TestClient(file_app(root)).get("/kaijiang-2020/weekly/" + workbook.name).status_code == 200
    assert download_url(workbook, root, "") is None  # no service configured: no address
    assert download_url(root.parent / "secret.txt", root, "http://x") is None  # outside the root
