# tests/websocket/ws_interop_client.py: a client no one here wrote (Python's websockets, Debian
# python3-websockets) against a fastapi.hpp test server; run by tests/websocket/test_websocket_interop.cpp as
# `python3 ws_interop_client.py PORT`. Prints one "ok <name>" line per check and "done" at the end; any
# failure prints "fail <name>: <why>" and exits 1.
import asyncio
import sys

import websockets
from websockets.extensions.permessage_deflate import ClientPerMessageDeflateFactory

PORT = int(sys.argv[1])
BASE = f"ws://127.0.0.1:{PORT}"


async def main():
    async with websockets.connect(BASE + "/ws/echo") as ws:
        await ws.send("héllo")
        assert await ws.recv() == "héllo"
        print("ok text", flush=True)
        await ws.send(b"\x00\x01\xfe\xff")
        assert await ws.recv() == b"\x00\x01\xfe\xff"
        print("ok binary", flush=True)
        await ws.send(["frag", "men", "ted"])  # one message in three frames
        assert await ws.recv() == "fragmented"
        await ws.send([b"ab", b"cd"])
        assert await ws.recv() == b"abcd"
        print("ok fragmented", flush=True)
        pong = await ws.ping(b"probe")
        await asyncio.wait_for(pong, 5)
        print("ok ping", flush=True)
        big = "x" * (1 << 20)
        await ws.send(big)
        assert await ws.recv() == big
        print("ok large", flush=True)
        await ws.close(code=4321, reason="client done")
        assert ws.close_code == 4321, ws.close_code
        print("ok client close", flush=True)
    async with websockets.connect(BASE + "/ws/rooms/blue?n=3") as ws:
        assert await ws.recv() == "blue:3"
        try:
            await ws.recv()
            raise AssertionError("no close")
        except websockets.ConnectionClosed as e:  # 4000 is not "OK" to websockets: ConnectionClosedError
            assert e.rcvd.code == 4000 and e.rcvd.reason == "bye", e
        print("ok server close", flush=True)
    async with websockets.connect(BASE + "/ws/proto", subprotocols=["a", "b"]) as ws:
        assert ws.subprotocol == "b", ws.subprotocol
        print("ok subprotocol", flush=True)
    try:
        async with websockets.connect(BASE + "/ws/rooms/blue?n=x"):
            raise AssertionError("accepted")
    except websockets.InvalidStatusCode as e:
        assert e.status_code == 403, e.status_code
        print("ok refused 403", flush=True)
    async with websockets.connect(BASE + "/ws/echo", max_size=None, compression=None) as ws:
        # over the server's ws_max_size (the test sets 2 MiB): 1009. The server may close as soon as it has read
        # the frame header, while this client is still sending the payload: then send() itself raises the close
        try:
            await ws.send("y" * (3 << 20))
            await ws.recv()
            raise AssertionError("no close")
        except websockets.ConnectionClosedError as e:
            assert e.rcvd is not None and e.rcvd.code == 1009, e
        print("ok too big 1009", flush=True)
    # permessage-deflate (RFC 7692): websockets offers it by default and the server accepts it, as uvicorn does
    async with websockets.connect(BASE + "/ws/echo") as ws:
        names = [e.name for e in ws.extensions]
        assert names == ["permessage-deflate"], names
        for i in range(20):  # context takeover both ways: later messages lean on earlier ones
            text = f"message {i} " + "abc" * i
            await ws.send(text)
            assert await ws.recv() == text
        await ws.send(["com", "pressed ", "fragments"])
        assert await ws.recv() == "compressed fragments"
        await ws.send(b"")
        assert await ws.recv() == b""
        print("ok deflate", flush=True)
    pmd = ClientPerMessageDeflateFactory(server_no_context_takeover=True, client_no_context_takeover=True,
                                         server_max_window_bits=10, client_max_window_bits=9)
    async with websockets.connect(BASE + "/ws/echo", extensions=[pmd]) as ws:
        assert len(ws.extensions) == 1
        for i in range(5):
            data = bytes(range(256)) * (i + 1)
            await ws.send(data)
            assert await ws.recv() == data
        print("ok deflate parameters", flush=True)
    async with websockets.connect(BASE + "/ws/echo", compression=None) as ws:
        assert ws.extensions == []
        await ws.send("plain")
        assert await ws.recv() == "plain"
        print("ok no deflate", flush=True)
    async with websockets.connect(BASE + "/ws/echo", max_size=None) as ws:
        # a deflate bomb: 64 MiB of zeros compress to ~64 KiB; the server stops inflating at its limit: 1009
        try:
            await ws.send(b"\0" * (64 << 20))
            await ws.recv()
            raise AssertionError("no close")
        except websockets.ConnectionClosedError as e:
            assert e.rcvd is not None and e.rcvd.code == 1009, e
        print("ok deflate bomb 1009", flush=True)
    print("done", flush=True)


try:
    asyncio.run(main())
except Exception as e:  # noqa: BLE001 - print what failed, for the C++ test's message
    print(f"fail: {type(e).__name__}: {e}", flush=True)
    sys.exit(1)
