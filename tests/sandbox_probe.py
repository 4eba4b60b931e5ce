"""A learner module that maps what its process can reach, run inside the sandbox by tests/test_sandbox.py.

It walks every folder it can see, tries to read every file and to create a file in every folder, and
connects to every unix socket it can name (by path, and the abstract ones the kernel lists) and to every TCP
port listening on the machine. Only the standard library: it runs as learner code does.
"""
import os
import socket
import stat

SKIP = ("/proc", "/sys")   # kernel views: /proc is the sandbox's own PID namespace, /sys is absent


def survey(markers=(), limit=200_000):
    """What this process can read, write and connect to; ``markers`` are strings no readable file may hold."""
    readable, writable, sockets, leaked = [], [], [], []
    seen = 0
    for folder, dirs, files in os.walk("/", followlinks=False):
        if folder.startswith(SKIP) and folder != "/":
            dirs[:] = []
            continue
        seen += 1
        if seen > limit:
            break
        probe = os.path.join(folder, ".sandbox-probe")
        try:
            os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            os.unlink(probe)
            writable.append(folder)
        except OSError:
            pass
        for name in files:
            path = os.path.join(folder, name)
            try:
                mode = os.lstat(path).st_mode
            except OSError:
                continue
            if stat.S_ISSOCK(mode):
                sockets.append(path)
            elif stat.S_ISREG(mode):
                try:
                    with open(path, "rb") as f:
                        head = f.read(1 << 16)
                except OSError:
                    continue
                readable.append(path)
                if any(m.encode() in head for m in markers):
                    leaked.append(path)
    return {"readable": readable, "writable": writable, "connected": _connect(sockets), "leaked": leaked,
            "env": sorted(os.environ), "home": os.listdir(os.path.expanduser("~"))}


def _unix_names(sockets):
    names = [("path", p) for p in sockets]
    try:
        with open("/proc/net/unix") as f:
            for line in f.read().splitlines()[1:]:
                fields = line.split()
                if len(fields) >= 8:
                    name = fields[7]
                    names.append(("abstract", "\0" + name[1:]) if name.startswith("@") else ("path", name))
    except OSError:
        pass
    return names


def _tcp_ports():
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                for line in f.read().splitlines()[1:]:
                    fields = line.split()
                    if fields[3] == "0A":   # LISTEN
                        ports.add(int(fields[1].rsplit(":", 1)[1], 16))
        except OSError:
            pass
    return sorted(ports)


def _connect(sockets):
    connected = []
    for kind, name in _unix_names(sockets):
        for family in (socket.SOCK_STREAM, socket.SOCK_DGRAM, socket.SOCK_SEQPACKET):
            s = socket.socket(socket.AF_UNIX, family)
            s.settimeout(0.5)
            try:
                s.connect(name)
                connected.append(f"unix {kind} {name!r}")
                break
            except OSError:
                pass
            finally:
                s.close()
    for port in _tcp_ports():
        try:
            # A bytes address: no codec to import (uid isolation may not read the standard library's files).
            socket.create_connection((b"127.0.0.1", port), timeout=0.5).close()
            connected.append(f"tcp 127.0.0.1:{port}")
        except OSError:
            pass
    return connected


def fill(folder, chunk=1 << 20):
    """Write into ``folder`` until the space runs out; the bytes written."""
    written, i = 0, 0
    block = b"\0" * chunk
    try:
        while True:
            with open(os.path.join(folder, f"fill{i}"), "wb") as f:
                f.write(block)
            written += chunk
            i += 1
    except OSError:
        return written
