"""A failed run says in Chinese what failed and what to do: the state message the failure alert carries."""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from prefect import get_run_logger
from prefect.runtime import flow_run
from prefect.settings import PREFECT_UI_URL
from prefect.states import Failed

from canbao.errors import CanbaoError, failure_message
from canbao.notify.links import run_link
from flows.run_tags import untagged_tasks

__all__ = ["reports_failure"]

P = ParamSpec("P")
R = TypeVar("R")


def reports_failure(what: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a flow function (under `@flow`): an exception ends the run Failed with `failure_message` as the
    state message (the exception stays the state's data, so callers still see it raised). The body runs with
    `flows.run_tags.untagged_tasks`: the run's tags stay off its task runs."""

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        signature = inspect.signature(fn)
        hints = typing.get_type_hints(fn, include_extras=True)

        @functools.wraps(fn)
        def reporting(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                with untagged_tasks():
                    return fn(*args, **kwargs)
            except Exception as exc:  # Prefect's own signals (pause, abort) are BaseExceptions and pass
                logger = get_run_logger()
                if isinstance(exc, CanbaoError):
                    logger.error("%s", exc.message)
                else:
                    logger.exception("程序错误（技术信息见下）")
                message = failure_message(what, exc, run_link(PREFECT_UI_URL.value(), flow_run.get_id()))
                return Failed(message=message, data=exc)  # type: ignore[return-value]  # Prefect takes a state

        # As flows.ledger_lock.holds_ledger: Prefect reads the parameters' resolved annotations from the signature.
        reporting.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=[p.replace(annotation=hints.get(p.name, p.annotation)) for p in signature.parameters.values()],
            return_annotation=hints.get("return", signature.return_annotation))
        return reporting

    return decorate
