"""Email through Apprise's `mailto://` / `mailtos://` (plain, STARTTLS or SSL) with Chinese subjects and bodies."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from canbao.notify.apprise_send import send_via_apprise
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

    def apprise_url(self) -> str:
        """E.g. `mailtos://user:pw@smtp.example.gov.cn:465/?smtp=…&from=…&to=a,b&mode=ssl&format=text`."""
        secure = self.security in ("ssl", "starttls")
        auth = f"{quote(self.username, safe='')}:{quote(self.password or '', safe='')}@" if self.username else ""
        query = {"smtp": self.host, "from": self.sender, "to": ",".join(self.to), "format": "text",
                 "cto": str(self.timeout), **({"mode": self.security} if secure else {})}
        return f"{'mailtos' if secure else 'mailto'}://{auth}{self.host}:{self.port}/?{urlencode(query)}"

    def send(self, message: Message) -> Receipt:
        """One mail per recipient (Apprise sends each its own); a refused recipient or a dead server raises
        NotifyError after the others were sent."""
        if not self.to:
            raise NotifyError(self.name, "未配置收件人")
        try:
            send_via_apprise(self.name, self.apprise_url(), message.body or message.subject, message.subject,
                             secrets=(self.password,))
        except NotifyError as exc:
            raise NotifyError(self.name, f"邮件发送失败（SMTP）：{exc.reason}") from None
        return Receipt(self.name, self.kind, f"sent to {len(self.to)} recipient(s)")
