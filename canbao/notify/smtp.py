"""Email over SMTP (plain, STARTTLS or SSL) with Chinese subjects and bodies."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from canbao.notify.message import Message, NotifyError, Receipt

__all__ = ["SmtpEmail"]


@dataclass(frozen=True)
class SmtpEmail:
    """An SMTP server and the recipients of one channel; `security` is none, starttls or ssl."""

    name: str
    host: str
    sender: str
    to: tuple[str, ...]
    port: int = 25
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    security: str = "none"
    timeout: float = 15.0
    kind: str = "email"

    def _compose(self, message: Message) -> EmailMessage:
        mail = EmailMessage()
        mail["Subject"], mail["From"], mail["To"] = message.subject, self.sender, ", ".join(self.to)
        mail["Date"], mail["Message-ID"] = formatdate(localtime=True), make_msgid(domain="canbao.local")
        mail.set_content(message.body or message.subject, charset="utf-8")
        return mail

    def send(self, message: Message) -> Receipt:
        """Send one mail to every recipient; a refused recipient or a dead server raises NotifyError."""
        if not self.to:
            raise NotifyError(self.name, "未配置收件人")
        try:
            cls = smtplib.SMTP_SSL if self.security == "ssl" else smtplib.SMTP
            kwargs = {"context": ssl.create_default_context()} if self.security == "ssl" else {}
            with cls(self.host, self.port, timeout=self.timeout, **kwargs) as smtp:
                if self.security == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self.password or "")
                refused = smtp.send_message(self._compose(message))
        except (smtplib.SMTPException, OSError) as exc:
            raise NotifyError(self.name, f"邮件发送失败（SMTP {type(exc).__name__}）：{exc}") from None
        if refused:
            raise NotifyError(self.name, f"收件人被拒收：{sorted(refused)}")
        return Receipt(self.name, self.kind, f"sent to {len(self.to)} recipient(s)")
