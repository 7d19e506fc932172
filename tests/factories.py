"""factory_boy factories for objects the demo world does not already hold."""
import factory

from accounts.models import Partner, User
from customers.models import Customer


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Partner {n}")
    domain = factory.Sequence(lambda n: f"partner{n}.example")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    partner = factory.SubFactory(PartnerFactory)
    password = factory.PostGenerationMethodCall("set_password", "Test-password-1")


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    partner = factory.LazyFunction(lambda: Partner.objects.get(domain="contoso-partner.example"))
    company_name = factory.Sequence(lambda n: f"Customer {n}")
    domain = factory.Sequence(lambda n: f"customer{n}.onmicrosoft.com")
    market_id = "JP"
