"""The demo's history (issue 16.9): about three months of Contoso Partner's activity, so that every page has
something to show on the first `make run`.

Everything is written by the services, as it would have happened: each step passes its time (`at`) instead of
moving the clock, and the periodic jobs (the link expiry, the month close) run at the times beat would have run
them. One transaction: a failed build leaves nothing behind, and the next `seed_demo` tries again. Adatum Partner
and Woodgrove Bank get nothing: acceptance checks use them as a clean slate.

It lives in `home` because it calls cancellations and support, which only the layer above them may import."""
from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import Partner, User
from billing.models import Invoice
from billing.services import invoices_close
from cancellations.services import cancellation_process, cancellation_request
from customers.models import Customer
from software.catalog import FILE_TYPE
from software.downloads import LINK_LIFETIME, NoLongerAvailable
from software.models import Entitlement, Order, Variant
from software.orders import LineRequest
from software.services import (
    IssuedLink,
    download_link_issue,
    download_links_expire,
    download_start,
    order_place,
    product_key_reveal,
)
from support.models import SupportRequest
from support.services import SupportDetails, support_request_create

PARTNER = "contoso-partner.example"
# Documentation addresses (RFC 5737): Contoso's office, and each customer's network, where its downloads come from.
OFFICE_IP = "198.51.100.20"
CUSTOMER_IPS = {"fabrikam": "203.0.113.10", "northwind": "203.0.113.20", "wingtip": "203.0.113.30",
                "tailspin": "203.0.113.40", "litware": "203.0.113.50", "proseware": "203.0.113.60"}
MEDIA_LANGUAGE = {"JP": "ja-JP", "CN": "zh-CN", "RU": "ru-RU"}  # the media a market downloads; others en-US
MEDIA_VERSION = "2022"
KEYS_REVEALED_AFTER = dt.timedelta(hours=2)
CANCELLATION_PROCESSED_AFTER = dt.timedelta(seconds=30)  # what the worker takes, usually
RECENT = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Purchase:
    name: str                              # how the steps below refer to it
    days_ago: float | None                 # None: this month, an hour ago (this month's invoice is open)
    customer: str                          # the tenant's domain, up to its first dot
    lines: tuple[tuple[str, int], ...]     # (offer id, quantity)
    buyer: str = "admin.agent"
    keys_revealed: bool = True             # the Admin agent reveals every key two hours later


@dataclass(frozen=True)
class Link:
    name: str
    purchase: str
    offer: str
    days_ago: float
    downloads: tuple[float, ...] = ()      # days ago of each counted download (a GET from byte 0)
    refused: tuple[float, ...] = ()        # days ago of attempts after the link expired (recorded as failed)


def _spread(first: float, last: float, count: int) -> tuple[float, ...]:
    return tuple(first - (first - last) * n / (count - 1) for n in range(count))


PURCHASES = (
    Purchase("fabrikam-servers", 86, "fabrikam", (("WS2022-STD", 4), ("SQL2022-STD", 1))),
    Purchase("northwind-datacenter", 78, "northwind", (("WS2022-DC", 2),), buyer="sales.agent"),
    Purchase("wingtip-sql", 69, "wingtip", (("SQL2022-ENT-P1Y", 1),)),
    Purchase("tailspin-servers", 61, "tailspin", (("WS2022-STD-P3Y", 3),), buyer="sales.agent"),
    Purchase("litware-servers", 55, "litware", (("WS2022-STD", 2),)),  # window closes in 5 days: "needs attention"
    Purchase("proseware-servers", 47, "proseware", (("WS2022-DC", 1), ("SQL2022-ENT-P1Y", 1)), buyer="global.admin"),
    Purchase("fabrikam-sql", 38, "fabrikam", (("SQL2022-ENT-P1Y", 2),)),  # cancelled 14 days later
    Purchase("northwind-servers", 30, "northwind", (("WS2022-STD", 5),)),
    Purchase("wingtip-servers", 22, "wingtip", (("WS2022-STD", 2), ("SQL2022-STD", 1)), buyer="sales.agent"),
    Purchase("tailspin-sql", 15, "tailspin", (("SQL2022-STD", 1),)),
    Purchase("litware-sql", 8, "litware", (("SQL2022-ENT-P1Y", 1),)),
    Purchase("proseware-subscription", 3, "proseware", (("WS2022-STD-P3Y", 2),), keys_revealed=False),
    Purchase("northwind-recent", None, "northwind", (("WS2022-DC", 1),), keys_revealed=False),
)
LINKS = (
    Link("fabrikam-media", "fabrikam-servers", "WS2022-STD", 85.8, downloads=(85.7, 85.2, 80), refused=(60,)),
    Link("northwind-media", "northwind-datacenter", "WS2022-DC", 77.7, downloads=(77.6, 77)),
    Link("proseware-media", "proseware-servers", "WS2022-DC", 46.8, downloads=(46.7,)),
    Link("fabrikam-sql-media", "fabrikam-sql", "SQL2022-ENT-P1Y", 37.8, downloads=(37.7,)),  # revoked by the cancel
    Link("northwind-new-media", "northwind-servers", "WS2022-STD", 12.5, downloads=(12.4, 12, 10)),  # expires soon
    Link("tailspin-media", "tailspin-sql", "SQL2022-STD", 10, downloads=(9.9, 9)),
    Link("wingtip-media", "wingtip-servers", "WS2022-STD", 6, downloads=_spread(5.9, 1.2, 48)),  # 48 of 50 used
    Link("litware-media", "litware-sql", "SQL2022-ENT-P1Y", 7.9, downloads=(7.8,)),
)
CANCELLED = ("fabrikam-sql", 24)           # (purchase, days ago): a P1Y subscription, credited prorated
SUPPORT_REQUEST = ("litware-servers", 2)   # (purchase it is about, days ago)


@dataclass
class Summary:
    orders: int = 0
    keys_revealed: int = 0
    links: int = 0
    downloads: int = 0
    refused_downloads: int = 0
    cancellations: int = 0
    support_requests: int = 0
    invoices_issued: int = 0
    invoices_open: int = 0

    def __str__(self) -> str:
        return (f"{self.orders} orders, {self.keys_revealed} product keys revealed, {self.links} download links, "
                f"{self.downloads} downloads (and {self.refused_downloads} refused), {self.cancellations} "
                f"cancellation with its credit, {self.support_requests} support request; invoices: "
                f"{self.invoices_issued} issued, {self.invoices_open} open")


def history_exists(partner: Partner) -> bool:
    """The marker: any order of Contoso's. The seed never adds a second history, nor a made-up past under a
    demo that people have already used."""
    return Order.objects.filter(partner=partner).exists()


def demo_history_build(*, now: dt.datetime | None = None) -> Summary | None:
    """Build the history ending at `now` once; None (and nothing written) if Contoso already has orders."""
    now = now or timezone.now()
    with transaction.atomic():
        partner = Partner.objects.select_for_update().get(domain=PARTNER)
        if history_exists(partner):
            return None
        history = _History(partner, now)
        history.run()
        return history.finish()


Step = tuple[dt.datetime, Callable[[dt.datetime], None]]


class _History:
    def __init__(self, partner: Partner, now: dt.datetime):
        self.partner, self.now = partner, now
        self.people = {user.email.partition("@")[0]: user for user in User.objects.filter(partner=partner)}
        self.customers = {customer.domain.partition(".")[0]: customer
                          for customer in Customer.objects.filter(partner=partner).select_related("market")}
        self.orders: dict[str, Order] = {}
        self.links: dict[str, tuple[IssuedLink, str]] = {}  # name -> (link, the customer's IP)
        self.summary = Summary()

    def run(self) -> None:
        # Stable sort: steps at the same time keep the plan's order (a purchase before what follows it).
        for at, step in sorted(self._plan(), key=lambda step: step[0]):
            step(at)

    def finish(self) -> Summary:
        invoices = Invoice.objects.filter(partner=self.partner)
        self.summary.invoices_issued = invoices.filter(status=Invoice.Status.ISSUED).count()
        self.summary.invoices_open = invoices.filter(status=Invoice.Status.OPEN).count()
        return self.summary

    # --- the plan: every step with its time ---------------------------------------------------------------

    def _ago(self, days: float) -> dt.datetime:
        return self.now - dt.timedelta(days=days)

    def _this_month(self) -> dt.datetime:
        """An hour ago, or halfway between the first of the month and now when that is nearer: a purchase on this
        month's invoice, which stays open."""
        start = self.now.astimezone(dt.UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        return max(self.now - RECENT, start + (self.now - start) / 2)

    def _plan(self) -> list[Step]:
        steps: list[Step] = []
        for purchase in PURCHASES:
            at = self._this_month() if purchase.days_ago is None else self._ago(purchase.days_ago)
            steps.append((at, functools.partial(self._purchase, purchase)))
            if purchase.keys_revealed:
                steps.append((at + KEYS_REVEALED_AFTER, functools.partial(self._reveal, purchase.name)))
        for link in LINKS:
            steps += self._link_steps(link)
        purchase, days = CANCELLED
        steps.append((self._ago(days), functools.partial(self._cancel, purchase)))
        purchase, days = SUPPORT_REQUEST
        steps.append((self._ago(days), functools.partial(self._support_request, purchase)))
        steps += self._month_closes()
        late = [at for at, _step in steps if at > self.now]
        if late:
            raise ValueError(f"demo history steps in the future: {late}")
        return steps

    def _link_steps(self, link: Link) -> list[Step]:
        issued = self._ago(link.days_ago)
        steps: list[Step] = [(issued, functools.partial(self._issue, link))]
        steps += [(self._ago(days), functools.partial(self._download, link.name)) for days in link.downloads]
        steps += [(self._ago(days), functools.partial(self._refused_download, link.name)) for days in link.refused]
        # The expiry job runs every minute: it marks the link within a minute of its two weeks.
        expiry_job = issued + LINK_LIFETIME + dt.timedelta(minutes=1)
        if expiry_job < self.now:
            steps.append((expiry_job, self._expiry_job))
        return steps

    def _month_closes(self) -> list[Step]:
        """The month close on the first of every month the history spans (beat runs it every hour)."""
        first = self._ago(max(p.days_ago or 0 for p in PURCHASES)).astimezone(dt.UTC).date()
        month = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        steps: list[Step] = []
        while (at := dt.datetime.combine(month, dt.time.min, tzinfo=dt.UTC)) <= self.now:
            steps.append((at, self._month_close))
            month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return steps

    # --- the steps: each one service call, as the pages and the jobs make it -------------------------------

    def _purchase(self, purchase: Purchase, at: dt.datetime) -> None:
        self.orders[purchase.name] = order_place(
            actor=self.people[purchase.buyer], customer=self.customers[purchase.customer], ip=OFFICE_IP, at=at,
            lines=[LineRequest(offer_id=offer, quantity=quantity) for offer, quantity in purchase.lines])
        self.summary.orders += 1

    def _entitlements(self, purchase: str):
        return (Entitlement.objects.filter(order_line__order=self.orders[purchase])
                .select_related("order_line", "customer", "offer").order_by("order_line__line_item_number"))

    def _reveal(self, purchase: str, at: dt.datetime) -> None:
        for entitlement in self._entitlements(purchase):
            product_key_reveal(actor=self.people["admin.agent"], entitlement=entitlement, ip=OFFICE_IP, at=at)
            self.summary.keys_revealed += 1

    def _issue(self, link: Link, at: dt.datetime) -> None:
        entitlement = self._entitlements(link.purchase).get(offer_id=link.offer)
        variant = Variant.objects.get(offer_id=link.offer, version=MEDIA_VERSION, file_type=FILE_TYPE,
                                      language=MEDIA_LANGUAGE.get(entitlement.customer.market_id, "en-US"))
        issued = download_link_issue(actor=self.people["admin.agent"], entitlement=entitlement, variant=variant,
                                     ip=OFFICE_IP, at=at)
        self.links[link.name] = (issued, CUSTOMER_IPS[entitlement.customer.domain.partition(".")[0]])
        self.summary.links += 1

    def _download(self, link: str, at: dt.datetime) -> None:
        issued, ip = self.links[link]
        download_start(token=issued.token, counted=True, ip=ip, at=at)
        self.summary.downloads += 1

    def _refused_download(self, link: str, at: dt.datetime) -> None:
        issued, ip = self.links[link]
        try:
            download_start(token=issued.token, counted=True, ip=ip, at=at)
        except NoLongerAvailable:  # the point: the service recorded the refusal as failed, with its reason
            self.summary.refused_downloads += 1
        else:
            raise RuntimeError(f"demo link {link} should have expired by {at}")

    def _expiry_job(self, at: dt.datetime) -> None:
        download_links_expire(now=at)

    def _month_close(self, at: dt.datetime) -> None:
        invoices_close(today=at.date())

    def _cancel(self, purchase: str, at: dt.datetime) -> None:
        """Requested on the Software tab, then processed by the worker: here inline, a few seconds later (the
        message queued at commit finds it done)."""
        request = cancellation_request(actor=self.people["admin.agent"], order=self.orders[purchase], ip=OFFICE_IP,
                                       at=at)
        cancellation_process(request_id=request.pk, at=at + CANCELLATION_PROCESSED_AFTER)
        self.summary.cancellations += 1

    def _support_request(self, purchase: str, at: dt.datetime) -> None:
        order, helpdesk = self.orders[purchase], self.people["helpdesk.agent"]
        support_request_create(actor=helpdesk, customer=order.customer, ip=OFFICE_IP, at=at, details=SupportDetails(
            problem_type=SupportRequest.ProblemType.SOFTWARE, impact=SupportRequest.Impact.MODERATE,
            title="Product key not accepted during activation",
            description=("The customer reports that activation of Windows Server 2022 Standard fails with "
                         "error 0xC004C003 on both servers, using the key shown under Get keys and downloads."),
            contact_name="Helpdesk Agent", contact_email=helpdesk.email, contact_phone="+1 425 555 0100",
            customer_reference=order.customer.domain, order_reference=str(order.id)))
        self.summary.support_requests += 1
