"""Pagination whose last page costs what its first does.

OFFSET makes the database walk every row before the page: on a municipality's 30,000 control
points the last page of the register took 200 ms where the first took 5. A page in the second
half is read from the other end instead: the same query with its order reversed, an OFFSET
below half the list, the rows turned back. Page numbers, links and what each page holds do not
change; the order must be total (end it with the primary key), as the register's is.
"""

from django.core.paginator import Paginator


class TailFastPaginator(Paginator):
    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if bottom <= self.count // 2 or not getattr(self.object_list, "ordered", False):
            return super().page(number)
        rows = list(self.object_list.reverse()[self.count - top : self.count - bottom])
        rows.reverse()
        return self._get_page(rows, number, self)
