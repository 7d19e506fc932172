"""The crawl (issue 15.2): every persona walks every page the URL resolver has, filled with real ids, and
submits every form each page shows, once with what a user would enter and once empty. Nothing may answer with
a server error or a traceback; every submit gets a redirect, a message or the next step's page.

A new page or form is covered without editing this test: pages come from the resolver (as in the access
matrix), forms from the HTML the pages render. It runs on SQLite in `make test` and on PostgreSQL in
`make test-services`."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.security.test_access_matrix import API_PREFIX, ROUTES, _as_template, fill

PARTNER = ["admin.agent", "sales.agent", "helpdesk.agent", "global.admin", "billing.admin", "account.admin",
           "referral.admin", "marketing.admin"]
PERSONAS = [f"{local}@contoso-partner.example" for local in PARTNER] + [
    "admin@fabrikam.onmicrosoft.com", "user@fabrikam.onmicrosoft.com"]
# What a page or a submit may answer besides a redirect: a message or the next step's page or dialog.
MAX_DEPTH = 3
ANSWERED = ("message-bar", "field-error", "<dialog", "<form", "error-page")


@dataclass
class Form:
    method: str
    action: str
    fields: list[tuple[str, str, dict]] = field(default_factory=list)  # (tag, type, attrs)
    options: dict[str, list[str]] = field(default_factory=dict)        # select name -> option values
    texts: dict[str, str] = field(default_factory=dict)                # textarea name -> text

    def key(self) -> tuple:
        return self.method, urlsplit(self.action).path, tuple(sorted({a.get("name", "") for _t, _k, a in self.fields}))


class Forms(HTMLParser):
    """The forms of a page: their controls, the options of their selects and the text of their textareas."""

    def __init__(self, url: str):
        super().__init__()
        self.url, self.forms, self.current, self.select, self.textarea = url, [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.current = Form(a.get("method", "get").lower(), urljoin(self.url, a.get("action") or self.url))
            self.forms.append(self.current)
        elif self.current is None:
            return
        elif tag in ("input", "button", "select", "textarea"):
            kind = a.get("type", "submit" if tag == "button" else "text").lower()
            self.current.fields.append((tag, kind, a))
            if tag == "select":
                self.select = a.get("name", "")
                self.current.options[self.select] = []
            if tag == "textarea":
                self.textarea = a.get("name", "")
                self.current.texts[self.textarea] = ""
        elif tag == "option" and self.select is not None:
            self.current.options[self.select].append(a.get("value", ""))

    def handle_data(self, data):
        if self.textarea is not None and self.current is not None:
            self.current.texts[self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None


USER_VALUES = {"email": "crawl@example.com", "tel": "+81 3 1234 5678", "number": "1", "url": "https://example.com",
               "password": "Crawl-password-2026", "search": "Fabrikam", "text": "Crawl"}


def submissions(form: Form) -> list[tuple[str, dict, str]]:
    """(label, data, action) for each submit button (its formaction, if it has one): once as a user would fill
    the form, once empty."""
    filled: dict = {}
    empty: dict = {}
    buttons = []
    for tag, kind, a in form.fields:
        name = a.get("name")
        if kind == "submit" and not name and a.get("formaction"):
            buttons.append(("", "", a["formaction"]))
            continue
        if not name or "disabled" in a:
            continue
        if kind == "submit":
            buttons.append((name, a.get("value", ""), a.get("formaction", "")))
        elif kind == "hidden":
            filled[name] = empty[name] = a.get("value", "")
        elif tag == "select":
            values = [v for v in form.options.get(name, []) if v] or [""]
            filled[name] = values[0]
            empty[name] = ""
        elif tag == "textarea":
            filled[name] = form.texts.get(name, "").strip() or "Crawl"
        elif kind in ("checkbox", "radio"):
            filled.setdefault(name, a.get("value", "on"))
        elif kind == "file":
            filled[name] = SimpleUploadedFile("crawl.txt", b"crawl\n", content_type="text/plain")
        elif kind == "date":
            filled[name] = a.get("value") or dt.date.today().isoformat()
        else:
            filled[name] = a.get("value") or USER_VALUES.get(kind, "Crawl")
    out = []
    for button in buttons or [None]:
        extra = {button[0]: button[1]} if button and button[0] else {}
        action = urljoin(form.action, button[2]) if button and button[2] else form.action
        out += [(f"filled {extra}", {**filled, **extra}, action), (f"empty {extra}", {**empty, **extra}, action)]
    return out


def page_urls(params: dict[str, str]) -> list[str]:
    urls = []
    for route, _entry in ROUTES:
        if route.startswith(API_PREFIX) or route.startswith("static/") or route.startswith("django-admin"):
            continue
        urls.append(fill(_as_template(route), params))
    return urls


def verdict(response) -> str | None:
    body = response.content.decode(errors="replace") if not response.streaming else ""
    if response.status_code >= 500 or "Traceback" in body:
        return f"server error {response.status_code}"
    if 300 <= response.status_code < 400 or "text/html" not in response.get("Content-Type", ""):
        return None
    return None if any(marker in body for marker in ANSWERED) else f"{response.status_code} without a message"


@pytest.mark.django_db
def test_every_persona_walks_every_page_and_submits_every_form(objects_of, fabrikam, user_for, settings, tmp_path):
    settings.SOFTWARE_FILES_DIR = settings.SOFTWARE_FILES_DIR  # the demo's sample files are in place
    objects = objects_of(fabrikam)
    urls = page_urls(objects.params())
    problems, submitted, pages, kinds = [], 0, 0, set()
    for email in PERSONAS:
        user = user_for(email)
        client = Client(raise_request_exception=False)
        seen: set[tuple] = set()
        # (page HTML, its URL, depth): the pages of the resolver, then what submitting their forms showed
        # (a chosen variant's key and link forms, the review after the catalog), up to MAX_DEPTH steps in.
        queue: list[tuple[str, str, int]] = []
        for url in urls:
            client.force_login(user)
            response = client.get(url)
            pages += 1
            if response.status_code >= 500:
                problems.append(f"{email} GET {url}: {response.status_code}")
            if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
                queue.append((response.content.decode(), url, 0))
        while queue:
            html, url, depth = queue.pop(0)
            parser = Forms("http://testserver" + url)
            parser.feed(html)
            for form in parser.forms:
                if form.key() in seen or urlsplit(form.action).netloc not in ("", "testserver"):
                    continue
                seen.add(form.key())
                kinds.add((form.method, re.sub(r"[0-9a-f-]{32,36}", "{id}", urlsplit(form.action).path)))
                for label, data, action in submissions(form):
                    client.force_login(user)  # a sign-out or a role change in an earlier submit
                    path, query = urlsplit(action).path, urlsplit(action).query
                    kinds.add((form.method, re.sub(r"[0-9a-f-]{32,36}", "{id}", path)))
                    target = path + (f"?{query}" if query else "")
                    if form.method == "post":
                        answer = client.post(target, data)
                    else:
                        answer = client.get(target, {k: v for k, v in data.items() if isinstance(v, str)})
                    submitted += 1
                    problem = verdict(answer)
                    if problem:
                        problems.append(f"{email} {form.method.upper()} {target} ({label}) from {url}: {problem}")
                    elif (depth < MAX_DEPTH and answer.status_code == 200
                          and "text/html" in answer.get("Content-Type", "")):
                        queue.append((answer.content.decode(), answer.request["PATH_INFO"], depth + 1))
    print(f"crawl: {len(PERSONAS)} personas, {pages} page visits, {submitted} form submits, {len(kinds)} forms")
    print("\n".join(sorted(f"{m} {p}" for m, p in kinds)))
    assert submitted > 100 and pages > 300
    assert problems == [], "\n".join(problems)
