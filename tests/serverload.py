"""Helpers of the server tests: HTTP on 127.0.0.1 without a client library, and the memory of a
process tree (the server, its fork server and its query workers)."""

from __future__ import annotations

import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from bench.run import rss_tree  # noqa: F401  (re-exported for the server tests: one process-tree RSS reader)


@dataclass
class Answer:
    status: int
    body: bytes
    headers: dict  # names in lower case
    seconds: float


def _lower(headers) -> dict:
    return {k.lower(): v for k, v in headers.items()}


def get(url: str, params: dict | None = None, accept: str | None = None, timeout: float = 60) -> Answer:
    if params:
        url += ("&" if "?" in url else "?") + urllib.parse.urlencode(params)
    return request("GET", url, accept=accept, timeout=timeout)


def request(method: str, url: str, data: bytes | None = None, content_type: str | None = None,
            accept: str | None = None, timeout: float = 60) -> Answer:
    headers = {}
    if accept:
        headers["Accept"] = accept
    if content_type:
        headers["Content-Type"] = content_type
    started = time.monotonic()
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return Answer(response.status, response.read(), _lower(response.headers), time.monotonic() - started)
    except urllib.error.HTTPError as exc:
        return Answer(exc.code, exc.read(), _lower(exc.headers), time.monotonic() - started)


def query(endpoint: str, text: str, accept: str = "application/sparql-results+json", timeout: float = 60) -> Answer:
    return get(endpoint, {"query": text}, accept=accept, timeout=timeout)


def send_and_hang_up(host: str, port: int, path_and_query: str, wait: float) -> None:
    """Send a GET, wait ``wait`` seconds without reading, and close the connection."""
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(f"GET {path_and_query} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: */*\r\n\r\n".encode())
        time.sleep(wait)
