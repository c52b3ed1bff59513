"""Old keyword names that keep working for one release, with a FutureWarning."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from defbudget.errors import ArgumentError, DefbudgetFutureWarning, warn

__all__ = ["renamed_keywords"]

F = TypeVar("F", bound=Callable[..., Any])


def renamed_keywords(**old_to_new: str) -> Callable[[F], F]:
    """Accept each old keyword as its new name, warning with :class:`DefbudgetFutureWarning`.

    Passing both the old and the new name is an :class:`~defbudget.errors.ArgumentError`.

    >>> @renamed_keywords(base="index_year")
    ... def f(*, index_year):
    ...     return index_year
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     f(base=2020), w[0].category.__name__
    (2020, 'DefbudgetFutureWarning')
    """
    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            for old, new in old_to_new.items():
                if old not in kwargs:
                    continue
                if new in kwargs:
                    raise ArgumentError(f"{func.__qualname__}: pass {new}= only ({old}= is its "
                                        "old name).")
                warn(f"{func.__qualname__}: the keyword {old}= is now {new}=; {old}= will stop "
                     "working in the next release.", DefbudgetFutureWarning)
                kwargs[new] = kwargs.pop(old)
            return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate
