"""The control API of a local Discord (docs/localdiscord.md).

Server side: `api.py` (the HTTP routes of `routes.py`, and the world clock's followers) over
the operations of `world_ops.py`, `member_ops.py`, `read_ops.py` and `fault_ops.py` (with
`base.py`: names and errors; `views.py`: the JSON shapes). Clients: `client.py` (over HTTP,
or in this process), `follow.py` (a bot process following the world clock).
"""
