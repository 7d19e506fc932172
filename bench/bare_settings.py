"""Production settings plus one extra URL, for the bare comparison view of B3 only (never used by the app)."""
from config.settings.production import *  # noqa: F401,F403

ROOT_URLCONF = "bench.bare_urls"
