"""Partner pages: the customer list, the create form and the customer's Account tab."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.permissions import Perm, requires
from partnercenter.http import client_ip

from .forms import CustomerForm
from .selectors import customer_get, customer_search, customers_for_user
from .services import customer_create

PAGE_SIZE = 25


@requires(Perm.VIEW_CUSTOMERS)
def customer_list(request):
    q = request.GET.get("q", "").strip()[:200]
    qs = customer_search(customers_for_user(request.user), q)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "customers/list.html", {"page_obj": page, "q": q})


@requires(Perm.CREATE_CUSTOMER)
def customer_new(request):
    form = CustomerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            customer = customer_create(actor=request.user, company_name=form.cleaned_data["company_name"],
                                       domain=form.cleaned_data["domain"], country=form.cleaned_data["country"],
                                       ip=client_ip(request))
        except ValidationError as exc:
            mapping = {"companyName": "company_name", "domain": "domain", "country": "country"}
            for key, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(mapping.get(key), error)
        else:
            messages.success(request, _("Customer %(name)s created.") % {"name": customer.company_name})
            return redirect("customers:detail", tenant_id=customer.tenant_id)
    return render(request, "customers/new.html", {"form": form}, status=400 if form.errors else 200)


@requires(Perm.VIEW_CUSTOMERS)
def customer_detail(request, tenant_id):
    customer = customer_get(request.user, tenant_id)
    return render(request, "customers/account.html", {"customer": customer, "tab": "account"})
