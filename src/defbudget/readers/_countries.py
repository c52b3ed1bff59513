"""Country codes and currency codes for the names SIPRI prints.

ISO3 codes come from ``country_converter``'s table, with :data:`ISO3_OVERRIDES` for SIPRI's
own spellings and for states that no longer exist (those map to ``None``: they have no ISO
3166-1 code and keep ``iso3`` missing on purpose). A name written exactly as the table writes
it is looked up there (its data file read with the csv module); only other names go through
country_converter's regular expressions, whose converter is built on first use (~50 ms).

Currency codes: SIPRI names a currency in words ("Yen", "Dollars", "CFA Francs"). Names that
belong to one currency only are in :data:`CURRENCY_BY_NAME`; names shared by several
currencies ("Dollars", "Dinar", "Pesos", ...) are resolved by country in
:data:`CURRENCY_BY_NAME_AND_COUNTRY`. SIPRI converts every series to the country's *latest*
currency ("All figures are expressed in terms of the current currency"), so the codes are the
current ones (Ghana GHS, not GHC) except for states that no longer exist, which keep their
historical ISO 4217 codes (USSR SUR, Czechoslovakia CSK, German DR DDM, Yugoslavia YUM).
:data:`CURRENCY_BY_YEAR` holds the one known exception: Zimbabwe's figures from 2019 are "quoted
in old Zimbabwean dollars" (SIPRI footnote 36) although the Currency column says "US dollars".
"""

from __future__ import annotations

import difflib
import functools
import logging
import threading
import unicodedata
import warnings

from defbudget.errors import DefbudgetWarning, UnknownNameError, find_stack_level

__all__ = [
    "CURRENCY_BY_NAME",
    "CURRENCY_BY_NAME_AND_COUNTRY",
    "CURRENCY_BY_YEAR",
    "ISO3_OVERRIDES",
    "UnknownCountryWarning",
    "UnknownCurrencyError",
    "country_rows",
    "currency_code",
    "current_iso3",
    "iso3_codes",
]


class UnknownCountryWarning(DefbudgetWarning):
    """A country name could not be matched to an ISO3 code; its rows keep ``iso3`` missing.

    Turn it into an error with ``warnings.simplefilter("error", UnknownCountryWarning)``.
    """


class UnknownCurrencyError(UnknownNameError):
    """A currency name is not in the mapping tables of :mod:`defbudget.readers._countries`."""


#: SIPRI country names → ISO 3166-1 alpha-3, where country_converter would be wrong or unsure.
#: ``None`` = a state that no longer exists (no ISO 3166-1 code) or an aggregate.
ISO3_OVERRIDES: dict[str, str | None] = {
    "Korea, South": "KOR",
    "Korea, North": "PRK",
    "Türkiye": "TUR",
    "Turkey": "TUR",
    "Congo, DR": "COD",
    "Congo, Republic": "COG",
    "Kosovo": "XKX",  # user-assigned code used by the World Bank, IMF and EU
    "Eswatini": "SWZ",
    "Swaziland": "SWZ",
    "Côte d'Ivoire": "CIV",
    "Cote d'Ivoire": "CIV",
    "Viet Nam": "VNM",
    "Taiwan": "TWN",
    "Gambia, The": "GMB",
    "Cape Verde": "CPV",
    "Timor Leste": "TLS",
    "Kyrgyz Republic": "KGZ",
    "Czechia": "CZE",
    "North Macedonia": "MKD",
    "United States of America": "USA",
    "UAE": "ARE",
    "Central African Republic": "CAF",
    "Brunei": "BRN",  # country_converter's table writes "Brunei Darussalam"
    # States that no longer exist: no ISO 3166-1 alpha-3 code (ISO 3166-3 codes are 4 letters).
    "Czechoslovakia": None,
    "German DR": None,
    "German Democratic Republic": None,
    "Yemen, North": None,
    "USSR": None,
    "Yugoslavia": None,
    # Aggregates reported as a row of the country sheets.
    "European Union": None,
}

#: Currency names (lower case, trimmed) used by exactly one currency.
CURRENCY_BY_NAME: dict[str, str] = {
    "afghani": "AFN", "ariary": "MGA", "baht": "THB", "balboas": "PAB", "birr": "ETB",
    "bolivianos": "BOB", "bolívar": "VES", "bolivar": "VES", "cedis": "GHS", "colones": "CRC",
    "córdobas": "NIO", "cordobas": "NIO", "dalasis": "GMD", "denars": "MKD", "dong": "VND",
    "drams": "AMD", "escudos": "CVE", "euro": "EUR", "euros": "EUR", "forint": "HUF",
    "gourdes": "HTG", "guaranies": "PYG", "hryvnias": "UAH", "kina": "PGK", "kip": "LAK",
    "korunas": "CSK", "koruny": "CZK", "krónur": "ISK", "kronur": "ISK", "kunas": "HRK",
    "kwanzas": "AOA", "kyats": "MMK", "lari": "GEL", "lei": "MDL", "lek": "ALL",
    "lempiras": "HNL", "leones": "SLE", "leva": "BGN", "lilangeni": "SZL", "liras": "TRY",
    "maloti": "LSL", "manat": "TMT", "manats": "AZN", "marka": "BAM", "marks": "DDM",
    "meticais": "MZN", "naira": "NGN", "nakfa": "ERN", "new lei": "RON", "new soles": "PEN",
    "ouguiyas": "MRU", "pula": "BWP", "quetzales": "GTQ", "rand": "ZAR", "reais": "BRL",
    "rial": "IRR", "riel": "KHR", "ringgit": "MYR", "rupiah": "IDR", "shekels": "ILS",
    "somoni": "TJS", "takas": "BDT", "tenge": "KZT", "tugriks": "MNT", "us dollars": "USD",
    "yen": "JPY", "yuan": "CNY", "renminbi": "CNY", "zlotys": "PLN",
}

_CFA_WEST = "XOF"  # BCEAO (West African) CFA franc
_CFA_CENTRAL = "XAF"  # BEAC (Central African) CFA franc

#: Currency names shared by several currencies → {ISO3 of the country (or SIPRI's name of a
#: state without ISO3): ISO 4217 code}.
CURRENCY_BY_NAME_AND_COUNTRY: dict[str, dict[str, str]] = {
    "dinar": {"DZA": "DZD", "BHR": "BHD", "IRQ": "IQD", "JOR": "JOD", "KWT": "KWD",
              "LBY": "LYD", "SRB": "RSD", "TUN": "TND", "Yugoslavia": "YUM"},
    "dirhams": {"MAR": "MAD", "ARE": "AED"},
    "dollars": {"AUS": "AUD", "BLZ": "BZD", "BRN": "BND", "CAN": "CAD", "FJI": "FJD",
                "GUY": "GYD", "JAM": "JMD", "LBR": "LRD", "NAM": "NAD", "NZL": "NZD",
                "SGP": "SGD", "TWN": "TWD", "TTO": "TTD", "USA": "USD", "BHS": "BSD",
                "BRB": "BBD", "HKG": "HKD", "SLB": "SBD"},
    "francs": {"BDI": "BIF", "COD": "CDF", "DJI": "DJF", "GIN": "GNF", "RWA": "RWF",
               "CHE": "CHF", "COM": "KMF", "MDG": "MGA"},
    "cfa francs": {"BEN": _CFA_WEST, "BFA": _CFA_WEST, "CIV": _CFA_WEST, "GNB": _CFA_WEST,
                   "MLI": _CFA_WEST, "NER": _CFA_WEST, "SEN": _CFA_WEST, "TGO": _CFA_WEST,
                   "CMR": _CFA_CENTRAL, "CAF": _CFA_CENTRAL, "TCD": _CFA_CENTRAL,
                   "COG": _CFA_CENTRAL, "GNQ": _CFA_CENTRAL, "GAB": _CFA_CENTRAL},
    "kroner": {"DNK": "DKK", "NOR": "NOK", "SWE": "SEK"},
    "kronor": {"SWE": "SEK"},
    "kwacha": {"MWI": "MWK", "ZMB": "ZMW"},
    "pesos": {"ARG": "ARS", "CHL": "CLP", "COL": "COP", "CUB": "CUP", "DOM": "DOP",
              "MEX": "MXN", "PHL": "PHP", "URY": "UYU"},
    "pounds": {"EGY": "EGP", "LBN": "LBP", "SSD": "SSP", "SDN": "SDG", "SYR": "SYP",
               "GBR": "GBP"},
    "rials": {"OMN": "OMR", "YEM": "YER", "Yemen, North": "YER", "IRN": "IRR"},
    "riyals": {"QAT": "QAR", "SAU": "SAR", "YEM": "YER"},
    "roubles": {"BLR": "BYN", "RUS": "RUB", "USSR": "SUR"},
    "rupees": {"IND": "INR", "MUS": "MUR", "NPL": "NPR", "PAK": "PKR", "SYC": "SCR",
               "LKA": "LKR", "MDV": "MVR"},
    "shillings": {"KEN": "KES", "TZA": "TZS", "UGA": "UGX", "SOM": "SOS"},
    "som": {"KGZ": "KGS", "UZB": "UZS"},
    "won": {"PRK": "KPW", "KOR": "KRW"},
}

#: Per-year exceptions: ISO3 → [(first year, ISO 4217 code)], later entries win.
#: Zimbabwe: "Figures for Zimbabwe's military spending from 2019 are quoted in old Zimbabwean
#: dollars" (SIPRI footnote 36, 2024 and 2025 editions); earlier figures are in US$.
CURRENCY_BY_YEAR: dict[str, list[tuple[int, str]]] = {
    "ZWE": [(2019, "ZWL")],
}


@functools.lru_cache(maxsize=4096)  # a SIPRI read asks for each name about ten times
def normalise_name(name: str) -> str:
    """Lower-case, trimmed, single-spaced, NFC-normalised form of a label."""
    return " ".join(unicodedata.normalize("NFC", str(name)).split()).lower()


def currency_code(name: str, *, iso3: str | None, country: str) -> str:
    """ISO 4217 code of a currency SIPRI names in words.

    Parameters
    ----------
    name
        The Currency column's text, e.g. ``"Yen"``, ``"Dollars"``, ``"CFA Francs"``.
    iso3, country
        The country the row belongs to (``iso3`` may be ``None`` for historical states, which
        are then looked up by ``country``, SIPRI's name).

    Returns
    -------
    str
        The ISO 4217 code (for Zimbabwe, the code of the US-dollar years; see
        :data:`CURRENCY_BY_YEAR`).

    Raises
    ------
    UnknownCurrencyError
        When the name is in neither table, or is shared and the country is not listed for it.

    Examples
    --------
    >>> currency_code("Yen", iso3="JPN", country="Japan")
    'JPY'
    >>> currency_code("Dollars", iso3="AUS", country="Australia")
    'AUD'
    >>> currency_code("CFA Francs", iso3="SEN", country="Senegal")
    'XOF'
    """
    key = normalise_name(name)
    code = CURRENCY_BY_NAME.get(key)
    if code is not None:
        return code
    by_country = CURRENCY_BY_NAME_AND_COUNTRY.get(key)
    if by_country is not None:
        code = by_country.get(iso3 or "") or by_country.get(country)
        if code is not None:
            return code
        raise UnknownCurrencyError(
            f"the currency name {name.strip()!r} is used by several currencies and "
            f"{country!r} (iso3 {iso3}) is not listed for it; known countries: "
            f"{sorted(by_country)}. Add the country to "
            "defbudget.readers._countries.CURRENCY_BY_NAME_AND_COUNTRY.")
    close = difflib.get_close_matches(
        key, list(CURRENCY_BY_NAME) + list(CURRENCY_BY_NAME_AND_COUNTRY), n=3)
    raise UnknownCurrencyError(
        f"unknown currency name {name.strip()!r} (country {country!r}); closest known names: "
        f"{close}. Add it to defbudget.readers._countries.CURRENCY_BY_NAME.")


_COCO_LOCK = threading.Lock()
_COCO = None
_ISO3_CACHE: dict[str, str] = {}  # matched names only, so an unknown name warns on every call
_ISO3_CACHE_MAX = 4096


def _converter():
    """A country_converter instance, built once (robust to pandas 3 reading empty fields)."""
    global _COCO
    with _COCO_LOCK:
        if _COCO is None:
            import country_converter as coco

            try:
                _COCO = coco.CountryConverter()
            except TypeError:
                # country_converter 1.3.2 + pandas 3: empty ISO2/regex fields become NaN and
                # re.compile(NaN) fails. Load the table ourselves, empty patterns never match.
                import pandas as pd
                from country_converter.country_converter import COUNTRY_DATA_FILE

                data = pd.read_csv(COUNTRY_DATA_FILE, sep="\t", encoding="utf-8", dtype=str,
                                   keep_default_na=False, na_values=[""])
                for col in ("regex", "ISO2"):
                    data[col] = data[col].fillna("(?!)")
                _COCO = coco.CountryConverter(country_data=data)
        return _COCO


def _country_data_file() -> str:
    """country_converter's country_data.tsv, found without importing the package (its
    ``__init__`` reads its version through importlib.metadata: ~40 ms of CLI start-up)."""
    import importlib.util
    import os

    spec = importlib.util.find_spec("country_converter")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = os.path.join(folder, "country_data.tsv")
        if os.path.isfile(path):
            return path
    from country_converter.country_converter import COUNTRY_DATA_FILE

    return COUNTRY_DATA_FILE


@functools.cache
def country_rows() -> tuple[dict[str, str], ...]:
    """The rows of country_converter's data file (one per country: ``name_short``,
    ``name_official``, ``ISO3``, ...), read with the csv module (a few ms; building the
    converter, which compiles every name's regex, takes ~40 ms more)."""
    import csv

    with open(_country_data_file(), encoding="utf-8", newline="") as fh:
        return tuple(csv.DictReader(fh, delimiter="\t"))


def current_iso3() -> set[str]:
    """The ISO3 codes of country_converter's current countries (its entries without an
    ``obsolete`` year, as its converter holds them)."""
    return {row["ISO3"] for row in country_rows()
            if row["ISO3"] and not row.get("obsolete", "").strip()}


@functools.cache
def _exact_names() -> dict[str, str]:
    """Each short and official name in country_converter's table → its ISO3 code, for the
    names that belong to one current country only (entries with an ``obsolete`` year, such
    as the Soviet Union, are left out, as country_converter leaves them out of its matching):
    a name written exactly so needs no regex."""
    codes: dict[str, set[str]] = {}
    for row in country_rows():
        if row.get("obsolete", "").strip():
            continue
        for column in ("name_short", "name_official"):
            name = " ".join(row[column].split())
            if name:
                codes.setdefault(name, set()).add(row["ISO3"])
    return {name: next(iter(c)) for name, c in codes.items() if len(c) == 1}


def iso3_codes(names, *, context: str = "") -> dict[str, str | None]:
    """ISO3 codes for SIPRI country names: :data:`ISO3_OVERRIDES` first, then a name written
    exactly as in country_converter's table, then country_converter's regular expressions.

    Names that neither resolves get ``None`` and one :class:`UnknownCountryWarning` listing
    them with their closest known names; results are cached for the session.

    Examples
    --------
    >>> iso3_codes(["Japan", "Korea, South", "USSR"])
    {'Japan': 'JPN', 'Korea, South': 'KOR', 'USSR': None}
    """
    names = list(dict.fromkeys(names))
    out: dict[str, str | None] = {}
    todo = []
    exact = _exact_names()
    for name in names:
        key = " ".join(str(name).split())
        if key in ISO3_OVERRIDES:
            out[name] = ISO3_OVERRIDES[key]
        elif key in exact:  # the name as country_converter's table writes it
            out[name] = exact[key]
        elif key in _ISO3_CACHE:
            out[name] = _ISO3_CACHE[key]
        else:
            todo.append(name)
    if todo:
        conv = _converter()
        log = logging.getLogger("country_converter")
        level = log.level
        log.setLevel(logging.CRITICAL)  # we report unmatched names ourselves, below
        try:
            codes = conv.convert([" ".join(str(n).split()) for n in todo], to="ISO3",
                                 not_found=None)
        finally:
            log.setLevel(level)
        if isinstance(codes, str):
            codes = [codes]
        unknown = []
        for name, code in zip(todo, codes, strict=True):
            ok = isinstance(code, str) and len(code) == 3 and code.isupper()
            if ok:
                if len(_ISO3_CACHE) >= _ISO3_CACHE_MAX:
                    _ISO3_CACHE.clear()
                _ISO3_CACHE[" ".join(str(name).split())] = code
            out[name] = code if ok else None
            if not ok:
                unknown.append(name)
        if unknown:
            known = list(ISO3_OVERRIDES)
            hints = "; ".join(
                f"{n!r} (close: {difflib.get_close_matches(n, known, n=2)})" for n in unknown)
            warnings.warn(
                f"{context}no ISO3 code for {hints}: their rows keep iso3 missing. If a name is "
                "a country, add it to defbudget.readers._countries.ISO3_OVERRIDES.",
                UnknownCountryWarning, stacklevel=find_stack_level())
    return {name: out[name] for name in names}
