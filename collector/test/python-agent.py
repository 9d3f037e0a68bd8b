#!/usr/bin/env python3
"""A home-made agent in the style of the seed project's, for interop tests.

Python's stdlib only: SimpleXMLRPCServer with allow_none, byte counts as floats (xmlrpc.client
cannot send an int above 2**31-1), nil for a missing temperature, counts as ints or floats,
extra keys, no disk_io/security/collector_status, a naive local timestamp.

    python3 python-agent.py PORT [--token TOKEN] [--minimal]   prints "listening PORT" when ready
    python3 python-agent.py --dump                           prints a get_metrics response
"""
import base64
import sys
import time
from xmlrpc.client import dumps
from xmlrpc.server import SimpleXMLRPCRequestHandler, SimpleXMLRPCServer


def get_metrics():
    return {
        "timestamp": "2026-01-15 10:30:00",
        "agent": {"name": "seed-host", "hostname": "seed-host", "version": "seed-0.3", "python": "3.11"},
        "cpu": {
            "usage_percent": 12.5,
            "user_percent": 8,
            "system_percent": 4.5,
            "iowait_percent": 0.0,
            "per_core_percent": [10.0, 15.0],
            "count": 2.0,
            "frequency_mhz": 2400.0,
        },
        "load": {"load_1": 0.5, "load_5": 0.25, "load_15": 0.125},
        "temperature": {"cpu_celsius": None, "max_celsius": None, "sensors": []},
        "memory": {
            "total_bytes": 17179869184.0,
            "used_bytes": 4294967296.0,
            "available_bytes": 12884901888.0,
            "usage_percent": 25.0,
            "swap_total_bytes": 0.0,
            "swap_used_bytes": 0.0,
            "swap_percent": 0.0,
        },
        "disks": [
            {
                "mount": "/",
                "device": "/dev/sda1",
                "fstype": "ext4",
                "total_bytes": 107374182400.0,
                "used_bytes": 42949672960.0,
                "usage_percent": 40.0,
                "inodes_percent": None,
            },
            {"mount": None, "device": "/dev/sdb1", "error": "stale file handle"},
        ],
        "network": {
            "rx_bytes_per_s": 1200.0,
            "tx_bytes_per_s": 800.0,
            "rx_errors": 0,
            "tx_errors": 0,
            "interfaces": [{"name": "eth0", "rx_bytes_per_s": 1200.0, "tx_bytes_per_s": 800.0}],
            "tcp_connections": 12,
        },
        "processes": {
            "count": 151.0,
            "running": 2,
            "top_memory": [
                {"pid": 812, "name": "postgres", "user": "postgres", "memory_percent": 3.5, "rss_bytes": 601882624.0}
            ],
            "top_cpu": [{"pid": 1, "name": "systemd", "user": "root", "cpu_percent": 0.5, "cmdline": "/sbin/init"}],
        },
        "disk_io": None,
    }


def minimal_metrics():
    return {"cpu": {"usage_percent": 3}, "memory": {"usage_percent": 50.5, "total_bytes": 1024.0}}


class Handler(SimpleXMLRPCRequestHandler):
    rpc_paths = ("/", "/RPC2")
    token = None

    def parse_request(self):
        if not super().parse_request():
            return False
        if self.token is None:
            return True
        expected = "Basic " + base64.b64encode(("hostwatch:" + self.token).encode()).decode()
        if self.headers.get("Authorization") in (expected, "Bearer " + self.token):
            return True
        self.send_error(401)
        return False


def main(argv):
    if "--dump" in argv:
        sys.stdout.write(dumps((get_metrics(),), methodresponse=True, allow_none=True))
        return
    Handler.token = argv[argv.index("--token") + 1] if "--token" in argv else None
    server = SimpleXMLRPCServer(
        ("127.0.0.1", int(argv[1])), requestHandler=Handler, allow_none=True, logRequests=False
    )
    server.register_function(lambda: "pong", "ping")
    server.register_function(minimal_metrics if "--minimal" in argv else get_metrics, "get_metrics")
    server.register_function(time.time, "time")
    print("listening %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv)
