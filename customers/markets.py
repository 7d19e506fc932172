"""Reference data: the markets the portal sells in (D-CUST-1, D-CAT-3, D-CAT-4, D-BILL-2).

Loaded by data migrations and kept in sync by `seed_demo` (`markets_sync` only inserts missing rows).
Tax rates are representative standard rates; the Django admin can change them per market.

A market is an inhabited country or region, keyed by its ISO 3166-1 alpha-2 code (plus XK, the code
Microsoft uses for Kosovo). People never read `Market.name`: pages name a country from CLDR in the page's
language (`customers.countries`). `Market.name` is the English name kept for the Django admin.
"""
from __future__ import annotations

from decimal import Decimal

from babel import Locale

# country: (English name, currency, tax rate, tax inclusive)
AVAILABLE = {
    "JP": ("Japan", "JPY", "0.10", False),
    "US": ("United States", "USD", "0.00", False),
    "AU": ("Australia", "AUD", "0.10", True),
    "BR": ("Brazil", "BRL", "0.0925", True),
    "CN": ("China", "CNY", "0.06", False),
    "RU": ("Russia", "RUB", "0.20", False),
    "DE": ("Germany", "EUR", "0.19", False),
    "GB": ("United Kingdom", "GBP", "0.20", False),
    "FR": ("France", "EUR", "0.20", False),
    "IT": ("Italy", "EUR", "0.22", False),
    "ES": ("Spain", "EUR", "0.21", False),
    "NL": ("Netherlands", "EUR", "0.21", False),
    "IE": ("Ireland", "EUR", "0.23", False),
    "CA": ("Canada", "CAD", "0.05", False),
    "MX": ("Mexico", "MXN", "0.16", False),
    "IN": ("India", "INR", "0.18", False),
    "KR": ("Korea", "KRW", "0.10", False),
    "SG": ("Singapore", "SGD", "0.09", False),
    "NZ": ("New Zealand", "NZD", "0.15", False),
    "CH": ("Switzerland", "CHF", "0.081", False),
    "SE": ("Sweden", "SEK", "0.25", False),
    "NO": ("Norway", "NOK", "0.25", False),
    "DK": ("Denmark", "DKK", "0.25", False),
    "PL": ("Poland", "PLN", "0.23", False),
    "ZA": ("South Africa", "ZAR", "0.15", False),
}

# D-CAT-4: markets where Azure reservations are unavailable (seed 002's list; China is among them).
RESERVATIONS_UNAVAILABLE = {
    "AX": "Åland Islands", "AS": "American Samoa", "AD": "Andorra", "AI": "Anguilla", "AQ": "Antarctica",
    "AG": "Antigua and Barbuda", "AW": "Aruba", "AZ": "Azerbaijan", "BJ": "Benin", "BT": "Bhutan",
    "BQ": "Bonaire, Saba and Sint Eustatius", "BV": "Bouvet Island", "IO": "British Indian Ocean Territory",
    "VG": "British Virgin Islands", "BF": "Burkina Faso", "BI": "Burundi", "KH": "Cambodia",
    "CF": "Central African Republic", "TD": "Chad", "CN": "China", "CX": "Christmas Island",
    "CC": "Cocos (Keeling) Islands", "KM": "Comoros", "CG": "Congo", "CD": "Congo (DRC)", "CK": "Cook Islands",
    "DJ": "Djibouti", "DM": "Dominica", "GQ": "Equatorial Guinea", "ER": "Eritrea", "FK": "Falkland Islands",
    "GF": "French Guiana", "PF": "French Polynesia", "TF": "French Southern Territories", "GA": "Gabon",
    "GM": "Gambia", "GI": "Gibraltar", "GL": "Greenland", "GD": "Grenada", "GP": "Guadeloupe", "GU": "Guam",
    "GG": "Guernsey", "GN": "Guinea", "GW": "Guinea-Bissau", "GY": "Guyana", "HT": "Haiti",
    "HM": "Heard Island and McDonald Islands", "IM": "Isle of Man", "SJ": "Svalbard and Jan Mayen",
    "JE": "Jersey", "KI": "Kiribati", "XK": "Kosovo", "LA": "Laos", "LS": "Lesotho", "LR": "Liberia",
    "MG": "Madagascar", "MW": "Malawi", "MV": "Maldives", "ML": "Mali", "MH": "Marshall Islands",
    "MQ": "Martinique", "MR": "Mauritania", "YT": "Mayotte", "FM": "Micronesia", "MS": "Montserrat",
    "MZ": "Mozambique", "MM": "Myanmar", "NR": "Nauru", "NC": "New Caledonia", "NE": "Niger", "NU": "Niue",
    "NF": "Norfolk Island", "MP": "Northern Mariana Islands", "PW": "Palau", "PG": "Papua New Guinea",
    "PN": "Pitcairn Islands", "RE": "Reunion", "BL": "Saint Barthélemy", "LC": "Saint Lucia",
    "MF": "Saint Martin", "PM": "Saint Pierre and Miquelon", "VC": "Saint Vincent and the Grenadines",
    "WS": "Samoa", "SM": "San Marino", "ST": "São Tomé and Príncipe", "SC": "Seychelles", "SL": "Sierra Leone",
    "SX": "Sint Maarten", "SB": "Solomon Islands", "SO": "Somalia",
    "GS": "South Georgia and South Sandwich Islands", "SS": "South Sudan",
    "SH": "St Helena, Ascension, Tristan da Cunha", "SR": "Suriname", "SZ": "Eswatini", "TL": "Timor-Leste",
    "TG": "Togo", "TK": "Tokelau", "TO": "Tonga", "TC": "Turks and Caicos Islands", "TV": "Tuvalu",
    "UM": "U.S. Outlying Islands", "VU": "Vanuatu", "VA": "Vatican City", "WF": "Wallis and Futuna", "YE": "Yemen",
}
_EURO = {"AX", "AD", "GF", "GP", "MQ", "YT", "RE", "BL", "MF", "PM", "SM", "VA", "TF", "XK"}

# No permanent population: Microsoft's D-CAT-4 list names them (it lists every ISO 3166 code), but no
# customer can be there, so they are not markets (issue 16). Rows that older databases already hold are
# left alone; no page offers them and no new customer can be created in them.
UNINHABITED = frozenset({"AQ", "BV", "GS", "HM", "IO", "TF", "UM"})

# Microsoft's other CSP markets (issue 16): every other inhabited country or region, except those under a
# comprehensive US embargo, where Microsoft does not sell (Cuba CU, Iran IR, North Korea KP, Syria SY).
# country: (currency, standard VAT/GST rate). The currency is the country's own ISO 4217 currency from CLDR
# (babel.numbers.get_territory_currencies) where the catalog has a price list in it (software/catalog.py:
# USD, JPY and the FACTORS currencies); elsewhere the market is billed in EUR (Europe) or USD (the rest of
# the world), as Partner Center bills markets without a local price list. The comment names the local
# currency then. A rate of 0 has its reason: no VAT or GST, or a rate not known for sure (set it in the admin).
MORE_MARKETS: dict[str, tuple[str, str]] = {
    "AE": ("USD", "0.05"),    # AED
    "AF": ("USD", "0"),       # AFN; no VAT (a business receipts tax)
    "AL": ("EUR", "0.20"),    # ALL
    "AM": ("USD", "0.20"),    # AMD
    "AO": ("USD", "0.14"),    # AOA
    "AR": ("USD", "0.21"),    # ARS
    "AT": ("EUR", "0.20"),
    "BA": ("EUR", "0.17"),    # BAM
    "BB": ("USD", "0.175"),   # BBD
    "BD": ("USD", "0.15"),    # BDT
    "BE": ("EUR", "0.21"),
    "BG": ("EUR", "0.20"),
    "BH": ("USD", "0.10"),    # BHD
    "BM": ("USD", "0"),       # BMD; no VAT
    "BN": ("USD", "0"),       # BND; no VAT or GST
    "BO": ("USD", "0.13"),    # BOB
    "BS": ("USD", "0.10"),    # BSD
    "BW": ("USD", "0.14"),    # BWP
    "BY": ("USD", "0.20"),    # BYN
    "BZ": ("USD", "0.125"),   # BZD
    "CI": ("USD", "0.18"),    # XOF
    "CL": ("USD", "0.19"),    # CLP
    "CM": ("USD", "0.1925"),  # XAF; 17.5% plus the 10% surcharge
    "CO": ("USD", "0.19"),    # COP
    "CR": ("USD", "0.13"),    # CRC
    "CV": ("USD", "0.15"),    # CVE
    "CW": ("USD", "0"),       # XCG; a turnover tax (OB), not VAT
    "CY": ("EUR", "0.19"),
    "CZ": ("EUR", "0.21"),    # CZK
    "DO": ("USD", "0.18"),    # DOP
    "DZ": ("USD", "0.19"),    # DZD
    "EC": ("USD", "0.15"),
    "EE": ("EUR", "0.24"),
    "EG": ("USD", "0.14"),    # EGP
    "EH": ("USD", "0"),       # MAD; no tax administration of its own
    "ET": ("USD", "0.15"),    # ETB
    "FI": ("EUR", "0.255"),
    "FJ": ("USD", "0"),       # FJD; the rate changed in 2025, not known for sure
    "FO": ("DKK", "0.25"),
    "GE": ("USD", "0.18"),    # GEL
    "GH": ("USD", "0"),       # GHS; 15% VAT plus levies, the total not known for sure
    "GR": ("EUR", "0.24"),
    "GT": ("USD", "0.12"),    # GTQ
    "HK": ("USD", "0"),       # HKD; no VAT
    "HN": ("USD", "0.15"),    # HNL
    "HR": ("EUR", "0.25"),
    "HU": ("EUR", "0.27"),    # HUF
    "ID": ("USD", "0.11"),    # IDR; 12% on 11/12 of the price
    "IL": ("USD", "0.18"),    # ILS
    "IQ": ("USD", "0"),       # IQD; no VAT
    "IS": ("EUR", "0.24"),    # ISK
    "JM": ("USD", "0.15"),    # JMD
    "JO": ("USD", "0.16"),    # JOD
    "KE": ("USD", "0.16"),    # KES
    "KG": ("USD", "0.12"),    # KGS
    "KN": ("USD", "0.17"),    # XCD
    "KW": ("USD", "0"),       # KWD; no VAT
    "KY": ("USD", "0"),       # KYD; no VAT
    "KZ": ("USD", "0"),       # KZT; the rate changes in 2026 (new Tax Code), not known for sure
    "LB": ("USD", "0.11"),    # LBP
    "LI": ("CHF", "0.081"),
    "LK": ("USD", "0.18"),    # LKR
    "LT": ("EUR", "0.21"),
    "LU": ("EUR", "0.17"),
    "LV": ("EUR", "0.21"),
    "LY": ("USD", "0"),       # LYD; no VAT
    "MA": ("USD", "0.20"),    # MAD
    "MC": ("EUR", "0.20"),
    "MD": ("EUR", "0.20"),    # MDL
    "ME": ("EUR", "0.21"),
    "MK": ("EUR", "0.18"),    # MKD
    "MN": ("USD", "0.10"),    # MNT
    "MO": ("USD", "0"),       # MOP; no VAT
    "MT": ("EUR", "0.18"),
    "MU": ("USD", "0.15"),    # MUR
    "MY": ("USD", "0.08"),    # MYR; service tax (SST) on digital services, there is no GST
    "NA": ("ZAR", "0.15"),
    "NG": ("USD", "0.075"),   # NGN
    "NI": ("USD", "0.15"),    # NIO
    "NP": ("USD", "0.13"),    # NPR
    "OM": ("USD", "0.05"),    # OMR
    "PA": ("USD", "0.07"),    # PAB (and USD)
    "PE": ("USD", "0.18"),    # PEN
    "PH": ("USD", "0.12"),    # PHP
    "PK": ("USD", "0.18"),    # PKR
    "PR": ("USD", "0"),       # a sales and use tax, not VAT (like US)
    "PS": ("USD", "0"),       # ILS; not known for sure
    "PT": ("EUR", "0.23"),
    "PY": ("USD", "0.10"),    # PYG
    "QA": ("USD", "0"),       # QAR; no VAT
    "RO": ("EUR", "0.21"),    # RON
    "RS": ("EUR", "0.20"),    # RSD
    "RW": ("USD", "0.18"),    # RWF
    "SA": ("USD", "0.15"),    # SAR
    "SD": ("USD", "0"),       # SDG; not known for sure
    "SI": ("EUR", "0.22"),
    "SK": ("EUR", "0.23"),
    "SN": ("USD", "0.18"),    # XOF
    "SV": ("USD", "0.13"),
    "TH": ("USD", "0.07"),    # THB
    "TJ": ("USD", "0"),       # TJS; not known for sure
    "TM": ("USD", "0"),       # TMT; not known for sure
    "TN": ("USD", "0.19"),    # TND
    "TR": ("USD", "0.20"),    # TRY
    "TT": ("USD", "0.125"),   # TTD
    "TW": ("USD", "0.05"),    # TWD
    "TZ": ("USD", "0.18"),    # TZS
    "UA": ("USD", "0.20"),    # UAH
    "UG": ("USD", "0.18"),    # UGX
    "UY": ("USD", "0.22"),    # UYU
    "UZ": ("USD", "0.12"),    # UZS
    "VE": ("USD", "0.16"),    # VES
    "VI": ("USD", "0"),       # no VAT or sales tax
    "VN": ("USD", "0.10"),    # VND
    "ZM": ("USD", "0.16"),    # ZMW
    "ZW": ("USD", "0"),       # the rate changed in 2025, not known for sure
}


def english_name(country: str) -> str:
    """CLDR's English name: the stored `Market.name` of the markets that `MORE_MARKETS` adds."""
    return Locale("en").territories[country]


def market_rows() -> list[dict]:
    rows = {}
    for country, name in RESERVATIONS_UNAVAILABLE.items():
        rows[country] = dict(country=country, name=name, currency="EUR" if country in _EURO else "USD",
                             tax_rate=Decimal("0"), tax_inclusive=False, reservations_available=False)
    for country, (name, currency, rate, inclusive) in AVAILABLE.items():
        rows[country] = dict(country=country, name=name, currency=currency, tax_rate=Decimal(rate),
                             tax_inclusive=inclusive, reservations_available=country not in RESERVATIONS_UNAVAILABLE)
    for country, (currency, rate) in MORE_MARKETS.items():
        rows[country] = dict(country=country, name=english_name(country), currency=currency,
                             tax_rate=Decimal(rate), tax_inclusive=False, reservations_available=True)
    return sorted((row for country, row in rows.items() if country not in UNINHABITED), key=lambda r: r["country"])


def markets_sync(Market) -> None:
    """Insert missing markets. Rows already there, changed in the admin or not, are never touched."""
    existing = set(Market.objects.values_list("country", flat=True))
    Market.objects.bulk_create([Market(**row) for row in market_rows() if row["country"] not in existing])
