"""Tasks that send notifications: channels from the channels file, secrets from Prefect Secret blocks or env."""

from __future__ import annotations

from prefect import get_run_logger, task
from prefect.blocks.system import Secret
from prefect.cache_policies import NO_CACHE

from canbao.deadlines import AlertKey, already_sent, record_alert
from canbao.errors import CanbaoError
from canbao.notify import Message, NotifyError, SecretRef, build_channel, env_secret, load_notify_config
from tasks.runtime import clock_now, flow_run_id, ledger_engine

__all__ = ["DeliveryFailed", "deliver", "prefect_secret"]


class DeliveryFailed(CanbaoError, RuntimeError):
    """Some channel refused or never got a message (the others were delivered and logged)."""

    code = "delivery_failed"


def prefect_secret(ref: SecretRef) -> str | None:
    """The secret from its Prefect Secret block when that exists, else from the environment."""
    if ref.block:
        try:
            return str(Secret.load(ref.block).get())  # type: ignore[union-attr]
        except ValueError:  # no such block: fall back to the environment
            pass
    return env_secret(ref)


def _send(name: str, subject: str, body: str) -> tuple[bool, str]:
    try:
        receipt = build_channel(name, load_notify_config(), prefect_secret).send(Message(subject, body))
    except NotifyError as exc:
        return False, exc.reason
    return True, receipt.detail


@task(name="deliver-notification", retries=2, retry_delay_seconds=5, cache_policy=NO_CACHE, persist_result=False)
def deliver(channels: list[str], subject: str, body: str, key: AlertKey | None = None,
            owner: str = "") -> dict[str, str]:
    """Send to each channel; with an alert `key`, skip channels already alerted today and log every send.

    A failed channel fails the task after the others were tried; its retry skips the ones already sent.
    """
    logger, engine, results, failed = get_run_logger(), ledger_engine(), {}, []
    for name in channels:
        if key is not None:
            with engine.connect() as conn:
                if already_sent(conn, key, name):
                    results[name] = "already sent today"
                    continue
        ok, detail = _send(name, subject, body)
        if key is not None:
            with engine.begin() as conn:
                record_alert(conn, key, owner, name, ok, detail, clock_now(), flow_run_id())
        results[name] = "sent" if ok else f"failed: {detail}"
        logger.info("“%s”→ 渠道 %s：%s", subject[:40], name, "已发送" if ok else f"发送失败：{detail}")
        if not ok:
            failed.append(f"{name}: {detail}")
    if failed:
        raise DeliveryFailed("; ".join(failed))
    return results
