"""`medbill hl7 listen`: an MLLP listener (python-hl7's asyncio streams). Each message is
taken in a worker thread, one transaction each, and answered after the commit; SIGTERM (or
SIGINT) stops taking connections, lets the message in hand finish, then exits 0."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

from hl7.mllp import HL7StreamReader, HL7StreamWriter, InvalidBlockError, start_hl7_server

from medbill_tui.cli.common import EXIT_OK, EXIT_USAGE, fail
from medbill_tui.edi.hl7_read import bare_ack
from medbill_tui.services.hl7_interface import Hl7Service

log = logging.getLogger(__name__)


class Listener:
    """The connections being served and which of them has a message in hand."""

    def __init__(self, service: Hl7Service) -> None:
        self.service = service
        self.busy: dict[asyncio.Task[None], bool] = {}

    async def serve(self, reader: HL7StreamReader, writer: HL7StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self.busy[task] = False
        try:
            while True:
                try:
                    block = await reader.readblock()
                except InvalidBlockError:
                    writer.writeblock(
                        bare_ack("AR", "MLLP: a block did not start with <VT>").encode()
                    )
                    await writer.drain()
                    continue
                except ValueError:  # past the stream's limit: the rest of it was dropped
                    writer.writeblock(bare_ack("AR", "MLLP: the message is too large").encode())
                    await writer.drain()
                    continue
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                self.busy[task] = True
                raw = block.decode("utf-8", errors="replace")
                outcome = await asyncio.to_thread(self.service.receive, raw)
                writer.writeblock(outcome.ack.encode())
                await writer.drain()
                self.busy[task] = False
        finally:
            self.busy.pop(task, None)
            writer.close()

    async def stop(self) -> None:
        """Idle connections end now; those with a message in hand answer it first."""
        for task, busy in list(self.busy.items()):
            if not busy:
                task.cancel()
        await asyncio.gather(*self.busy, return_exceptions=True)


async def _run(service: Hl7Service, host: str, port: int) -> None:
    listener = Listener(service)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopping.set)
    server = await start_hl7_server(listener.serve, host, port)
    print(f"listening for HL7 on {host}:{port}", flush=True)
    await stopping.wait()
    server.close()
    await listener.stop()
    await server.wait_closed()
    print("stopped", flush=True)


def listen(service: Hl7Service, host: str, port: int) -> int:
    try:
        asyncio.run(_run(service, host, port))
    except OSError as exc:
        return fail(f"cannot listen on {host}:{port}: {exc.strerror}", EXIT_USAGE)
    sys.stdout.flush()
    return EXIT_OK
