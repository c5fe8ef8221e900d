"""Links in a text: how many, and where they point."""

from __future__ import annotations

import re
from dataclasses import dataclass

from edu.moderation.domain.decisions import Finding, Outcome

_URL = re.compile(r"\bhttps?://([^\s/?#<>\"']+)[^\s<>\"']*", re.IGNORECASE)
_WWW = re.compile(r"(?<![\w./@-])(www\.[^\s/?#<>\"']+)", re.IGNORECASE)
# A bare "name.tld/..." counts only with a top-level domain people actually link to, so
# "os.path" or "file.py" in a programming question is no link.
_BARE = re.compile(
    r"(?<![\w./@-])((?:[a-z0-9-]+\.)+(?:com|net|org|io|info|biz|ru|cn|xyz|top|click|shop|"
    r"online|site|ly|gl|gd|co|me|de|uk|us|link|win|bid|loan|icu|cam))\b(?!\.\w)",
    re.IGNORECASE,
)

URL_SHORTENERS = frozenset(
    {
        "bit.ly",
        "tinyurl.com",
        "t.co",
        "goo.gl",
        "is.gd",
        "ow.ly",
        "cutt.ly",
        "rb.gy",
        "shorturl.at",
        "tiny.cc",
        "buff.ly",
        "rebrand.ly",
    }
)
# Links that log whoever opens them: never shown to students.
DENIED_DOMAINS = frozenset({"grabify.link", "iplogger.org", "iplogger.com", "2no.co", "blasze.com"})
SUSPICIOUS_TLDS = frozenset({"xyz", "top", "click", "win", "bid", "loan", "icu", "cam"})


def link_hosts(text: str) -> list[str]:
    """The host of every link in ``text``, lower case, in order."""
    hosts: list[str] = []
    taken: list[tuple[int, int]] = []
    for pattern in (_URL, _WWW, _BARE):
        for match in pattern.finditer(text):
            if any(start <= match.start() < end for start, end in taken):
                continue
            taken.append(match.span())
            host = match.group(1).lower().rstrip(".,;:!?)").split(":", 1)[0]
            hosts.append(host.removeprefix("www."))
    return hosts


def _is_under(host: str, domains: frozenset[str]) -> str | None:
    for domain in domains:
        if host == domain or host.endswith(f".{domain}"):
            return domain
    return None


@dataclass(frozen=True)
class LinkRule:
    """More than ``max_links`` links hold; a shortened or suspicious link holds; a link to a
    denied domain rejects."""

    max_links: int = 2
    denied_domains: frozenset[str] = DENIED_DOMAINS
    shorteners: frozenset[str] = URL_SHORTENERS

    def findings(self, text: str) -> list[Finding]:
        hosts = link_hosts(text)
        found: list[Finding] = []
        if len(hosts) > self.max_links:
            found.append(
                Finding(
                    "too_many_links", f"{len(hosts)} links (at most {self.max_links})", Outcome.HOLD
                )
            )
        for host in sorted(set(hosts)):
            if denied := _is_under(host, self.denied_domains):
                found.append(
                    Finding("denied_link", f"links to a denied domain: {denied}", Outcome.REJECT)
                )
            elif shortener := _is_under(host, self.shorteners):
                found.append(
                    Finding(
                        "shortened_link",
                        f"a shortened link hides where it goes: {shortener}",
                        Outcome.HOLD,
                    )
                )
            elif host.rsplit(".", 1)[-1] in SUSPICIOUS_TLDS:
                found.append(Finding("suspicious_link", f"a link to {host}", Outcome.HOLD))
        return found
