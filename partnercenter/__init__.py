"""The kernel every app may import (money, errors, API helpers, paging, outbox, database guards, charts); it
imports no app of ours."""
