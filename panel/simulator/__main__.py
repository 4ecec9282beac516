"""``python -m panel.simulator --port PORT [--host H] [--state FILE] [--speed F] [--seed S]``."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType

from panel.simulator.seed import SEEDS
from panel.simulator.server import SimulatorServer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m panel.simulator", description=__doc__)
    parser.add_argument("--port", type=int, required=True, help="TCP port (0 = any free port)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--state", help="JSON state file: loaded if present, saved after changes")
    parser.add_argument(
        "--speed", type=float, default=1.0, help="divide every simulated duration by this"
    )
    parser.add_argument("--seed", choices=SEEDS, default="demo")
    parser.add_argument("--log-requests", action="store_true", help="log each request to stderr")
    parser.add_argument(
        "--console-port", type=int, help="serve the VMs' serial consoles over SSH on this port"
    )
    parser.add_argument("--console-host-key", help="the console's SSH host key (made if missing)")
    parser.add_argument("--console-known-hosts", help="write a known_hosts line for it here")
    args = parser.parse_args(argv)
    if args.speed <= 0:
        parser.error("--speed must be positive")

    sim = SimulatorServer(
        host=args.host,
        port=args.port,
        speed=args.speed,
        state_file=args.state,
        seed=args.seed,
        log_requests=args.log_requests,
        console_port=args.console_port,
        console_host_key=args.console_host_key,
        console_known_hosts=args.console_known_hosts,
    )
    sim.start()
    print(f"BigV simulator listening on {sim.api_url} (auth: {sim.auth_url})", flush=True)
    if sim.console is not None:
        print(f"Serial consoles over SSH on {sim.host}:{sim.console.port}", flush=True)

    done = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        done.set()

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    while not done.wait(0.5):
        pass
    sim.stop()  # saves the state file one last time
    return 0


if __name__ == "__main__":
    sys.exit(main())
