"""Reference data: the markets the portal sells in (D-CAT-3, D-CAT-4, D-BILL-2).

Loaded by a data migration and kept in sync by `seed_demo`. Tax rates are representative
standard rates; the Django admin can change them per market.
"""
from decimal import Decimal

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


def market_rows() -> list[dict]:
    rows = {}
    for country, name in RESERVATIONS_UNAVAILABLE.items():
        rows[country] = dict(country=country, name=name, currency="EUR" if country in _EURO else "USD",
                             tax_rate=Decimal("0"), tax_inclusive=False, reservations_available=False)
    for country, (name, currency, rate, inclusive) in AVAILABLE.items():
        rows[country] = dict(country=country, name=name, currency=currency, tax_rate=Decimal(rate),
                             tax_inclusive=inclusive, reservations_available=country not in RESERVATIONS_UNAVAILABLE)
    return sorted(rows.values(), key=lambda r: r["country"])


def markets_sync(Market) -> None:
    """Insert missing markets; leaves rates changed in the admin alone."""
    existing = set(Market.objects.values_list("country", flat=True))
    Market.objects.bulk_create([Market(**row) for row in market_rows() if row["country"] not in existing])
