"""The control API's routes: one table that the server mounts and the HTTP client calls.

Each route names an operation of `ControlAPI` (same name). Path parameters fill `{name}`;
the other arguments travel as the query string for GET and DELETE, as a JSON object
otherwise. Everything a test, the terminal or a script can do to the world is here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Route:
    name: str
    method: str
    path: str

    @property
    def in_query(self) -> bool:
        return self.method in ("GET", "DELETE")


ROUTES: tuple[Route, ...] = (
    # the world and its clock
    Route("info", "GET", "/info"),
    Route("status", "GET", "/status"),
    Route("clock", "GET", "/clock"),
    Route("move_clock", "POST", "/clock"),
    Route("guilds", "GET", "/guilds"),
    Route("add_guild", "POST", "/guilds"),
    Route("add_channel", "POST", "/guilds/{guild}/channels"),
    Route("add_role", "POST", "/guilds/{guild}/roles"),
    Route("add_member", "POST", "/guilds/{guild}/members"),
    Route("set_permissions", "PUT", "/channels/{channel}/permissions/{target}"),
    Route("set_thread", "PATCH", "/threads/{thread}"),
    Route("close_dms", "PUT", "/members/{member}/dms"),
    Route("privileged_intents", "PUT", "/application/intents"),
    Route("settings", "PATCH", "/settings"),
    Route("reset", "POST", "/reset"),
    # acting as a member
    Route("say", "POST", "/members/{member}/messages"),
    Route("dm", "POST", "/members/{member}/dm"),
    Route("edit", "PATCH", "/members/{member}/messages/{message}"),
    Route("delete", "DELETE", "/members/{member}/messages/{message}"),
    Route("react", "PUT", "/members/{member}/messages/{message}/reactions/{emoji}"),
    Route("unreact", "DELETE", "/members/{member}/messages/{message}/reactions/{emoji}"),
    Route("clear_reactions", "DELETE", "/members/{member}/messages/{message}/reactions"),
    Route("start_thread", "POST", "/members/{member}/threads"),
    Route("slash", "POST", "/members/{member}/commands"),
    Route("autocomplete", "POST", "/members/{member}/autocomplete"),
    Route("click", "POST", "/members/{member}/clicks"),
    Route("select", "POST", "/members/{member}/selects"),
    Route("submit_modal", "POST", "/members/{member}/modals"),
    # reading
    Route("channel", "GET", "/channels/{channel}"),
    Route("messages", "GET", "/channels/{channel}/messages"),
    Route("threads", "GET", "/channels/{channel}/threads"),
    Route("message", "GET", "/messages/{message}"),
    Route("dms", "GET", "/members/{member}/dm"),
    Route("interaction", "GET", "/interactions/{interaction}"),
    Route("commands", "GET", "/commands"),
    Route("changes", "GET", "/changes"),
    # faults
    Route("add_fault", "POST", "/faults"),
    Route("faults", "GET", "/faults"),
    Route("clear_faults", "DELETE", "/faults"),
    Route("holds", "GET", "/holds"),
    Route("release", "POST", "/holds/release"),
    Route("drop_gateway", "POST", "/gateway/drop"),
    Route("release_gateway", "POST", "/gateway/release"),
    Route("reconnect_gateway", "POST", "/gateway/reconnect"),
    Route("invalidate_gateway", "POST", "/gateway/invalidate"),
    Route("request_heartbeat", "POST", "/gateway/heartbeat"),
    # what the bot sent
    Route("requests", "GET", "/requests"),
    Route("violations", "GET", "/violations"),
    Route("take_violations", "DELETE", "/violations"),
    Route("unsupported", "GET", "/unsupported"),
)
BY_NAME = {route.name: route for route in ROUTES}
CLOCK_FOLLOW = "/clock/follow"  # a websocket: the world clock's moves, acknowledged
