"""seed_demo is idempotent; production settings refuse unsafe configuration; check --deploy is clean."""
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

from tests.conftest import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parent.parent


def snapshot():
    state = {}
    for model in apps.get_models():
        if model._meta.app_label in {"accounts", "customers", "software", "billing", "activitylog"}:
            state[model._meta.label] = sorted(map(str, model.objects.values_list()))
    return state


@pytest.mark.django_db
def test_seed_demo_twice_changes_nothing():
    before = snapshot()
    call_command("seed_demo", password=DEMO_PASSWORD, no_history=True, stdout=open(os.devnull, "w"))
    assert snapshot() == before
    assert before["customers.Customer"] and len(before["accounts.User"]) == 10 + 14


@pytest.mark.django_db
def test_demo_world_is_exactly_the_contract():
    from accounts.models import Partner, User
    from customers.models import Customer

    assert set(Partner.objects.values_list("name", flat=True)) == {"Contoso Partner", "Adatum Partner"}
    assert {(c.company_name, c.market_id) for c in Customer.objects.filter(partner__name="Contoso Partner")} == {
        ("Fabrikam", "JP"), ("Northwind Traders", "US"), ("Wingtip Toys", "AU"), ("Tailspin Toys", "BR"),
        ("Litware", "CN"), ("Proseware", "RU")}
    assert User.objects.get(email="marketing.admin@contoso-partner.example").role_set == {"marketing_content_admin"}
    assert User.objects.get(email="admin@woodgrove.onmicrosoft.com").tenant_membership.customer.company_name == \
        "Woodgrove Bank"


def run_manage(*args, **env):
    # A production process starts without the test run's own switches (DEBUG, the browser tests'
    # DJANGO_ALLOW_ASYNC_UNSAFE).
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    environment.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", **env})
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True,
                          text=True, timeout=120)


def test_production_refuses_to_start_without_secret_key():
    result = run_manage("check", SECRET_KEY="")
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_production_refuses_debug():
    result = run_manage("check", SECRET_KEY=secrets.token_urlsafe(50), DEBUG="true")
    assert result.returncode != 0 and "DEBUG must be off" in result.stderr


def test_check_deploy_is_clean_under_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", SECRET_KEY=secrets.token_urlsafe(50))
    assert result.returncode == 0, result.stdout + result.stderr
