"""Page navigation for very large lists."""
from functools import cached_property

from django.core.paginator import Paginator
from django.utils.formats import number_format


class CappedPaginator(Paginator):
    """Counts at most `cap` rows (SELECT COUNT(*) over a LIMITed subquery): over millions of rows an exact
    COUNT costs far more than the page itself. Beyond the cap the total reads "10,000+"."""

    cap = 10_000

    @cached_property
    def count(self) -> int:
        return self.object_list[: self.cap + 1].count()

    @property
    def is_capped(self) -> bool:
        return self.count > self.cap

    @property
    def display_count(self) -> str:
        return f"{number_format(self.cap, force_grouping=True)}+" if self.is_capped else number_format(
            self.count, force_grouping=True)
