"""The control API of a local Discord (server side: `api.py`; clients: `client.py`)."""
