"""The demo catalog (docs/API.md "Demo data"): offers, prices in every market, variants and their sample files."""
from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction

from partnercenter.money import quantize

from .models import Offer, OfferPrice, ProductType, SoftwareFile, Term, Variant

WINDOW = 60  # D-CAN-1: every cancellable demo offer

# id, name, type, term, window, USD price, JPY price, file family
OFFERS = [
    ("WS2022-STD", "Windows Server 2022 Standard", ProductType.PERPETUAL, None, WINDOW, "1069.00", "98000",
     "WinSrvStd"),
    ("WS2022-DC", "Windows Server 2022 Datacenter", ProductType.PERPETUAL, None, WINDOW, "6155.00", "890000",
     "WinSrvDC"),
    ("SQL2022-STD", "SQL Server 2022 Standard", ProductType.PERPETUAL, None, WINDOW, "3945.00", "560000", "SQLStd"),
    ("SQL2022-ENT-P1Y", "SQL Server 2022 Enterprise", ProductType.SUBSCRIPTION, Term.P1Y, WINDOW, "5434.00",
     "790000", "SQLEnt"),
    ("WS2022-STD-P3Y", "Windows Server 2022 Standard", ProductType.SUBSCRIPTION, Term.P3Y, WINDOW, "1999.00",
     "290000", "WinSrvStd"),
    ("AZ-RI-VM-P1Y", "Azure Reserved VM Instance", ProductType.RESERVATION, Term.P1Y, WINDOW, "1200.00", "175000",
     None),
    ("SUSE-SLES", "SUSE Linux Enterprise Server", ProductType.THIRD_PARTY, Term.P1Y, None, "799.00", "116000", None),
    ("RHEL", "Red Hat Enterprise Linux", ProductType.THIRD_PARTY, Term.P1Y, None, "1299.00", "189000", None),
]
# Approximate list-price factors from USD for the other currencies.
FACTORS = {"EUR": "0.92", "AUD": "1.52", "BRL": "5.40", "CNY": "7.20", "RUB": "92", "GBP": "0.79", "CAD": "1.37",
           "MXN": "18.5", "INR": "84", "KRW": "1380", "SGD": "1.34", "NZD": "1.66", "CHF": "0.88", "SEK": "10.6",
           "NOK": "10.9", "DKK": "6.9", "PLN": "4.0", "ZAR": "18.3"}
VERSIONS = ["2019", "2022"]
LANGUAGES = {"en-US": "English", "ja-JP": "Japanese", "zh-CN": "ChnSimp", "ru-RU": "Russian"}
FILE_TYPE = "x64 ISO"
SAMPLE_SIZE = 256 * 1024


def price_in(currency: str, usd: str, jpy: str) -> Decimal:
    if currency == "USD":
        return Decimal(usd)
    if currency == "JPY":
        return Decimal(jpy)
    return quantize(Decimal(usd) * Decimal(FACTORS[currency]), currency)


def sample_bytes(name: str, size: int = SAMPLE_SIZE) -> bytes:
    """Deterministic sample bits: the same name always gives the same file and SHA-256."""
    header = f"Sample installation media: {name}\n".encode()
    seed = hashlib.sha256(name.encode()).digest()
    blocks = [header] + [hashlib.sha256(seed + n.to_bytes(4, "big")).digest() for n in range(size // 32 + 1)]
    return b"".join(blocks)[:size]


def sample_file_ensure(file_name: str) -> SoftwareFile:
    root = Path(settings.SOFTWARE_FILES_DIR)
    path = root / "media" / file_name
    data = sample_bytes(file_name)
    digest = hashlib.sha256(data).hexdigest()
    if not path.exists() or path.stat().st_size != len(data) or path.read_bytes() != data:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    record, _ = SoftwareFile.objects.update_or_create(
        path=str(path.relative_to(root)), defaults={"file_name": file_name, "size": len(data), "sha256": digest})
    return record


@transaction.atomic
def catalog_sync() -> None:
    """Create or complete the demo catalog; running it again changes nothing."""
    from customers.models import Market

    markets = list(Market.objects.all())
    for position, (offer_id, name, kind, term, window, usd, jpy, family) in enumerate(OFFERS):
        offer, _ = Offer.objects.get_or_create(id=offer_id, defaults=dict(
            name=name, product_type=kind, term_duration=term, cancellation_window_days=window, sort_order=position))
        existing = set(OfferPrice.objects.filter(offer=offer).values_list("market_id", flat=True))
        OfferPrice.objects.bulk_create([
            OfferPrice(offer=offer, market=m, unit_price=price_in(m.currency, usd, jpy))
            for m in markets if m.country not in existing])
        if family:
            for version in VERSIONS:
                for language, label in LANGUAGES.items():
                    file = sample_file_ensure(f"SW_DVD9_{family}_{version}_64Bit_{label}_MLF.ISO")
                    Variant.objects.get_or_create(offer=offer, version=version, language=language,
                                                  file_type=FILE_TYPE, defaults={"file": file})
