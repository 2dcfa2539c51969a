"""Who a message would notify, by Discord's rules: the mentions in its content that its
`allowed_mentions` let through.

Only the content pings (never an embed). Without `allowed_mentions` Discord parses
everything: users, roles, @everyone and @here, and the author of the message replied to. With
it, `parse` names the kinds parsed, `users` and `roles` list ids let through one by one, and
`replied_user` says whether the reply pings. (Discord also needs Mention Everyone for
@everyone to notify anyone; it is counted here all the same: a bot that asks for the ping has
a bug, whatever its permissions today.)
"""

from __future__ import annotations

import re
from typing import Any

USER = re.compile(r"<@!?(\d+)>")
ROLE = re.compile(r"<@&(\d+)>")
EVERYONE = re.compile(r"@(everyone|here)\b")


def pings(content: str, allowed: dict[str, Any] | None,
          replied_author: int | None = None) -> list[str]:
    """What would be notified: `<@id>`, `<@&id>`, `@everyone`, `@here`, in content order
    (kinds grouped), the replied-to author last."""
    parse = {"users", "roles", "everyone"} if allowed is None else set(allowed.get("parse") or ())
    users = {str(u) for u in (allowed or {}).get("users") or ()}
    roles = {str(r) for r in (allowed or {}).get("roles") or ()}
    found = [f"<@{u}>" for u in USER.findall(content) if "users" in parse or u in users]
    found += [f"<@&{r}>" for r in ROLE.findall(content) if "roles" in parse or r in roles]
    if "everyone" in parse:
        found += [f"@{m}" for m in EVERYONE.findall(content)]
    replied = True if allowed is None else bool(allowed.get("replied_user"))
    if replied_author is not None and replied:
        found.append(f"<@{replied_author}> (replied to)")
    return found
