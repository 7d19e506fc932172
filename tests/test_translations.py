"""The ja, zh-Hans and ru catalogues are complete: every msgid has a translation, none is fuzzy, the
placeholders survive translation, the plural forms are right, and the compiled .mo files match the
.po files (so `compilemessages` was run after the last change).

The .po files are read with a small parser of our own (no polib): after `makemessages` adds strings,
this test fails until they are translated and compiled."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"

RU_PLURAL = ("nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
             "(n%100<10 || n%100>=20) ? 1 : 2);")
# locale directory -> (Django language code, Plural-Forms header, plural formula)
LANGUAGES = {
    "ja": ("ja", "nplurals=1; plural=0;", lambda n: 0),
    "zh_Hans": ("zh-hans", "nplurals=1; plural=0;", lambda n: 0),
    "ru": ("ru", RU_PLURAL,
           lambda n: 0 if n % 10 == 1 and n % 100 != 11 else 1 if 2 <= n % 10 <= 4 and not 10 <= n % 100 < 20 else 2),
}

PLACEHOLDER = re.compile(r"%\([^)]*\)[-#0 +]*\d*(?:\.\d+)?[sdifeEgGxXor]")
ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


def _unquote(text: str) -> str:
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), f"not a quoted PO string: {text!r}"
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(1)), text[1:-1])


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)

    @property
    def translations(self) -> list[str]:
        if self.msgid_plural is None:
            return [self.msgstr]
        return [self.msgstr_plural[i] for i in sorted(self.msgstr_plural)]


def parse_po(path: Path) -> list[Entry]:
    """Entries of a .po file, header first; obsolete (#~) entries are skipped."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int | None] | None = None
    pending_flags: set[str] = set()

    def start(lineno: int) -> Entry:
        nonlocal pending_flags
        entry = Entry(line=lineno, flags=pending_flags)
        pending_flags = set()
        entries.append(entry)
        return entry

    def append(entry: Entry, where: tuple[str, int | None], text: str) -> None:
        name, index = where
        if name == "msgstr_plural":
            entry.msgstr_plural[index] = entry.msgstr_plural.get(index, "") + text
        else:
            setattr(entry, name, (getattr(entry, name) or "") + text)

    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            if not line:
                current, target = None, None
            continue
        if line.startswith("#,"):
            pending_flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if keyword == "msgctxt":
            current = start(lineno)
            current.msgctxt = ""
            target = ("msgctxt", None)
        elif keyword == "msgid":
            if current is None or current.msgctxt is None or current.msgid or target != ("msgctxt", None):
                current = start(lineno)
            target = ("msgid", None)
        elif keyword == "msgid_plural":
            current.msgid_plural = ""
            target = ("msgid_plural", None)
        elif keyword == "msgstr":
            target = ("msgstr", None)
        elif m := re.fullmatch(r"msgstr\[(\d+)\]", keyword):
            target = ("msgstr_plural", int(m.group(1)))
            current.msgstr_plural.setdefault(target[1], "")
        elif line.startswith('"'):
            rest = line
        else:
            raise AssertionError(f"{path}:{lineno}: cannot parse {raw!r}")
        assert current is not None and target is not None, f"{path}:{lineno}: string outside an entry"
        append(current, target, _unquote(rest))
    return entries


def _catalogue(locale_dir: str) -> tuple[dict[str, str], list[Entry]]:
    path = LOCALE_DIR / locale_dir / "LC_MESSAGES" / "django.po"
    assert path.is_file(), f"{path} is missing: run makemessages"
    entries = parse_po(path)
    assert entries and entries[0].msgid == "", f"{path} has no header entry"
    header = dict(line.split(": ", 1) for line in entries[0].msgstr.splitlines() if ": " in line)
    return header, entries[1:]


@pytest.fixture(params=list(LANGUAGES), ids=list(LANGUAGES))
def lang(request):
    return request.param


def test_parser_reads_escapes_and_plurals(tmp_path):
    po = tmp_path / "x.po"
    po.write_text('msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=1; plural=0;\\n"\n\n'
                  '#, fuzzy, python-format\nmsgctxt "c"\nmsgid "a \\"%(x)s\\"\\n"\n"b"\nmsgstr "A"\n\n'
                  'msgid "one"\nmsgid_plural "%(n)s many"\nmsgstr[0] ""\n"X %(n)s"\n\n#~ msgid "old"\n#~ msgstr ""\n',
                  encoding="utf-8")
    header, first, second = parse_po(po)
    assert header.msgstr == "Plural-Forms: nplurals=1; plural=0;\n"
    assert (first.msgctxt, first.msgid, first.msgstr, first.flags) == ("c", 'a "%(x)s"\nb', "A", {"fuzzy",
                                                                                                  "python-format"})
    assert (second.msgid_plural, second.msgstr_plural, second.flags) == ("%(n)s many", {0: "X %(n)s"}, set())


def test_header(lang):
    header, _ = _catalogue(lang)
    assert "charset=UTF-8" in header.get("Content-Type", ""), header
    assert header.get("Plural-Forms") == LANGUAGES[lang][1]


def test_every_string_is_translated_and_not_fuzzy(lang):
    header, entries = _catalogue(lang)
    nplurals = int(re.search(r"nplurals=(\d+)", header["Plural-Forms"]).group(1))
    assert len(entries) > 100, f"{lang}: only {len(entries)} entries — was makemessages run?"
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    assert not fuzzy, f"{lang}: fuzzy entries: {fuzzy}"
    untranslated = [e.msgid for e in entries if not all(t.strip() for t in e.translations)]
    assert not untranslated, f"{lang}: untranslated entries: {untranslated}"
    wrong_forms = [e.msgid for e in entries if e.msgid_plural is not None and len(e.msgstr_plural) != nplurals]
    assert not wrong_forms, f"{lang}: plural entries without {nplurals} forms: {wrong_forms}"


def test_placeholders_match(lang):
    _, entries = _catalogue(lang)
    bad = []
    for e in entries:
        wanted = set(PLACEHOLDER.findall(e.msgid)) | set(PLACEHOLDER.findall(e.msgid_plural or ""))
        for text in e.translations:
            if set(PLACEHOLDER.findall(text)) != wanted:
                bad.append((e.msgid, text))
    assert not bad, f"{lang}: placeholders differ: {bad}"


def test_compiled_catalogue_matches_po(lang):
    """gettext returns exactly the .po translation: the .mo was compiled after the last edit."""
    code, _, plural = LANGUAGES[lang]
    _, entries = _catalogue(lang)
    stale = []
    with translation.override(code):
        for e in entries:
            if e.msgid_plural is None:
                got = translation.pgettext(e.msgctxt,
                                           e.msgid) if e.msgctxt is not None else translation.gettext(e.msgid)
                if got != e.msgstr:
                    stale.append((e.msgid, got))
                continue
            for n in (1, 2, 5, 21):
                got = (translation.npgettext(e.msgctxt, e.msgid, e.msgid_plural, n) if e.msgctxt is not None
                       else translation.ngettext(e.msgid, e.msgid_plural, n))
                if got != e.msgstr_plural[plural(n)]:
                    stale.append((e.msgid, n, got))
    assert not stale, f"{lang}: the .mo does not match the .po (run compilemessages): {stale[:10]}"


@pytest.mark.parametrize("code, expected", [
    ("ja", {"Customers": "顧客", "Software": "ソフトウェア", "Product key": "プロダクト キー", "Invoices": "請求書",
            "Activity log": "アクティビティ ログ", "Admin agent": "管理エージェント", "Global admin": "全体管理者"}),
    ("zh-hans", {"Customers": "客户", "Software": "软件", "Product key": "产品密钥", "Invoices": "发票",
                 "Activity log": "活动日志", "Admin agent": "管理员代理", "Global admin": "全局管理员"}),
    ("ru", {"Customers": "Клиенты", "Software": "Программное обеспечение", "Product key": "Ключ продукта",
            "Invoices": "Счета", "Activity log": "Журнал действий", "Admin agent": "Агент администратора",
            "Global admin": "Глобальный администратор"}),
])
def test_partner_center_terminology(code, expected):
    with translation.override(code):
        assert {msgid: translation.gettext(msgid) for msgid in expected} == expected


def test_russian_plural_forms():
    with translation.override("ru"):
        days = [translation.ngettext("%(days)s day", "%(days)s days", n) % {"days": n} for n in (1, 3, 5, 11, 21, 22)]
    assert days == ["1 день", "3 дня", "5 дней", "11 дней", "21 день", "22 дня"]
