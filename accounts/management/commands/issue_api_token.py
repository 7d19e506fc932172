from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.services import api_token_issue


class Command(BaseCommand):
    help = "Create an API token for a user and print it on the last line (only its hash is stored)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", default="Command line")

    def handle(self, *args, email, name, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None or not user.is_active:
            raise CommandError(f"No active user with email {email}.")
        token, secret = api_token_issue(user=user, name=name)
        self.stdout.write(f"Token {token.prefix}… created for {user.email}. It will not be shown again:")
        self.stdout.write(secret)
