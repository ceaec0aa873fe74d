#!/usr/bin/env python3
"""A WebSocket client that reads slowly on purpose, for slow-consumer tests.

Node cannot shrink a TCP socket's receive buffer; this client sets SO_RCVBUF to
4 KiB before it connects, so when it stops reading the server's outbox fills within
a few kilobytes instead of megabytes of kernel buffering.

Usage: slow_ws_reader.py PORT PATH FRAME...
Sends each FRAME (a text message), prints "ready" once it has read a message with
`"id":N` for the last frame's id, then stops reading until a line arrives on stdin;
from then on prints every message it gets, one JSON string per line, and "closed
CODE" when the server closes.
"""
import json
import os
import socket
import struct
import sys


def send_frame(sock, text):
    payload = text.encode()
    head = bytes([0x81])
    n = len(payload)
    if n < 126:
        head += bytes([0x80 | n])
    elif n < 65536:
        head += bytes([0x80 | 126]) + struct.pack("!H", n)
    else:
        head += bytes([0x80 | 127]) + struct.pack("!Q", n)
    mask = os.urandom(4)
    sock.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))


def read_exact(f, n):
    data = f.read(n)
    if len(data) < n:
        raise EOFError
    return data


def read_message(f):
    """Returns (opcode, payload) of one unfragmented server frame."""
    b0, b1 = read_exact(f, 2)
    n = b1 & 0x7F
    if n == 126:
        n = struct.unpack("!H", read_exact(f, 2))[0]
    elif n == 127:
        n = struct.unpack("!Q", read_exact(f, 8))[0]
    return b0 & 0x0F, read_exact(f, n)


def main():
    port, path, frames = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", port))
    sock.sendall(
        (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    f = sock.makefile("rb")
    while f.readline() not in (b"\r\n", b""):
        pass
    for frame in frames:
        send_frame(sock, frame)
    last_id = '"id":%d' % json.loads(frames[-1])["id"]
    while True:
        _, payload = read_message(f)
        if last_id in payload.decode():
            break
    print("ready", flush=True)
    sys.stdin.readline()
    try:
        while True:
            opcode, payload = read_message(f)
            if opcode == 8:
                code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
                print(f"closed {code}", flush=True)
                return
            if opcode == 1:
                print(json.dumps(payload.decode()), flush=True)
    except (EOFError, ConnectionError):
        print("closed 1006", flush=True)


if __name__ == "__main__":
    main()
