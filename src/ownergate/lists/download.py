"""Official download addresses of every list, and the small transport interface that fetches them.

:class:`Transport` is all the network code: ``get(url) -> bytes``. :class:`HttpTransport` uses
httpx with a short connect timeout, so being offline is detected in seconds; tests pass an
``httpx.MockTransport`` through it, or any object with a ``get`` method.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import httpx

from ownergate.errors import OwnergateError

_OFAC = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/"


@dataclass(slots=True, frozen=True)
class Download:
    """One official source: the files to fetch (URL -> file name) into one folder."""

    name: str
    folder: str
    files: tuple[tuple[str, str], ...]


OFFICIAL: tuple[Download, ...] = (
    Download("OFAC SDN (CSV set)", "ofac-sdn", (
        (_OFAC + "SDN.CSV", "sdn.csv"), (_OFAC + "ADD.CSV", "add.csv"),
        (_OFAC + "ALT.CSV", "alt.csv"), (_OFAC + "SDN_COMMENTS.CSV", "sdn_comments.csv"))),
    Download("OFAC consolidated non-SDN (CSV set)", "ofac-cons", (
        (_OFAC + "CONS_PRIM.CSV", "cons_prim.csv"), (_OFAC + "CONS_ADD.CSV", "cons_add.csv"),
        (_OFAC + "CONS_ALT.CSV", "cons_alt.csv"), (_OFAC + "CONS_COMMENTS.CSV", "cons_comments.csv"))),
    Download("U.S. Consolidated Screening List", "csl", (
        ("https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv", "consolidated.csv"),)),
    Download("BIS Denied Persons List", "dpl", (("https://www.bis.doc.gov/dpl/dpl.txt", "dpl.txt"),)),
    Download("UN Security Council consolidated list", "un", (
        ("https://scsanctions.un.org/resources/xml/en/consolidated.xml", "consolidated.xml"),)),
    Download("UK Sanctions List", "uk", (
        ("https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.csv", "UK-Sanctions-List.csv"),)),
    Download("EU financial sanctions (FSF XML)", "eu", (
        ("https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content?token=dG9rZW4tMjAxNw",
         "eu-fsf.xml"),)),
    Download("DoD Section 1260H (OpenSanctions FtM)", "us-dod-1260h", (
        ("https://data.opensanctions.org/datasets/latest/us_dod_chinese_milcorps/entities.ftm.json",
         "entities.ftm.json"),)),
)  # fmt: skip


class OfflineError(OwnergateError):
    """No publisher could be reached at all."""

    code = "offline"


class DownloadError(OwnergateError):
    """One source failed after the network was reachable."""

    code = "download-failed"


class Transport(Protocol):
    def get(self, url: str) -> bytes:
        """The body of ``url``; raises OfflineError when unreachable, DownloadError on a bad answer."""
        ...


class HttpTransport:
    """httpx with a short connect timeout (offline detection) and a long read timeout (big lists)."""

    def __init__(self, client: httpx.Client | None = None, connect_timeout: float = 3.0) -> None:
        self.client = client or httpx.Client(
            timeout=httpx.Timeout(120.0, connect=connect_timeout), follow_redirects=True
        )

    def get(self, url: str) -> bytes:
        try:
            response = self.client.get(url)
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            raise OfflineError(f"cannot reach {httpx.URL(url).host}: {exc}") from exc
        except httpx.HTTPError as exc:
            raise DownloadError(f"{url}: {exc}") from exc
        if response.status_code != 200:
            raise DownloadError(f"{url}: HTTP {response.status_code}")
        return response.content


def fetch(transport: Transport, download: Download, into: Path) -> Path:
    """Fetch every file of ``download`` into ``into/<folder>``; return that folder (or its one file)."""
    folder = into / download.folder
    folder.mkdir(parents=True, exist_ok=True)
    for url, name in download.files:
        (folder / name).write_bytes(transport.get(url))
    return folder if len(download.files) > 1 else folder / download.files[0][1]
