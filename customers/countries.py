"""Country and region names for people: from CLDR, in the page's language, sorted by collation (issue 16).

The stored value is always the ISO 3166-1 alpha-2 code (`Market.country`). A page names the country with
`country_name` (Babel's copy of CLDR) in `django.utils.translation.get_language()`, and a drop-down sorts the
names with `sort_by_name`.

Babel has no collation, so names are sorted by the Unicode Collation Algorithm (pyuca, with its default
table, DUCET). That is CLDR's root collation, the one every language starts from: accents and case come
second (Åland sorts with Aland), Cyrillic in Russian order (Ё with Е), Japanese kana in gojūon order with
voiced kana beside plain ones. Names written in Han characters (Chinese, and the kanji names in Japanese)
sort by radical and stroke, CLDR's "unihan" order for Chinese, not its default pinyin order: that needs
ICU's language-specific tables (PyICU), which need the ICU C library and a compiler that the slim image lacks.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache, lru_cache
from typing import TypeVar

from babel import Locale
from pyuca import Collator

from partnercenter.formats import FALLBACK_LOCALE, babel_locale, current_locale

T = TypeVar("T")

def country_name(code: str, *, locale: Locale | None = None, default: str | None = None) -> str:
    """CLDR's name of the country or region `code` in `locale` (the page's language when not given)."""
    code = (code or "").upper()
    locale = locale or current_locale()
    name = locale.territories.get(code) or babel_locale(FALLBACK_LOCALE).territories.get(code)
    return name or default or code


@cache
def _collator() -> Collator:
    return Collator()  # reads the DUCET table once per process (about 0.3 s)


@lru_cache(maxsize=4096)
def collation_key(text: str) -> tuple[int, ...]:
    return _collator().sort_key(text)


def sort_by_name(items: Iterable[T], name: Callable[[T], str]) -> list[T]:
    """`items` in the collation order of their names; equal names keep their order."""
    return sorted(items, key=lambda item: collation_key(name(item)))
