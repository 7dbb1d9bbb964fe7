#!/usr/bin/env python3
"""A TCP proxy on loopback that delays every byte by DELAY_MS in each direction (so a round trip
gains 2 x DELAY_MS), keeping order; for bench/remote to show how a team library degrades with
latency without tc/netem (which needs a network namespace and the sch_netem module).

Usage: delay_proxy.py LISTEN_PORT UPSTREAM_PORT DELAY_MS   (prints "ready PORT" when listening)
"""
import asyncio
import sys


async def pump(reader, writer, delay):
    """Reads chunks as they come and writes each `delay` seconds after it arrived, in order."""
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()

    async def deliver():
        while True:
            due, data = await queue.get()
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if data is None:
                break
            try:
                writer.write(data)
                await writer.drain()
            except OSError:  # the other side went away: drop the rest
                break
        try:
            writer.write_eof()
        except (OSError, RuntimeError):
            pass

    sender = asyncio.create_task(deliver())
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            queue.put_nowait((loop.time() + delay, data))
    except OSError:
        pass
    queue.put_nowait((loop.time() + delay, None))
    try:
        await sender
    except OSError:
        pass


async def main():
    listen_port, upstream_port, delay_ms = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    delay = delay_ms / 1000.0

    async def on_client(client_reader, client_writer):
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", upstream_port)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(pump(client_reader, up_writer, delay), pump(up_reader, client_writer, delay))
        for w in (client_writer, up_writer):
            w.close()

    server = await asyncio.start_server(on_client, "127.0.0.1", listen_port)
    print("ready", server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
