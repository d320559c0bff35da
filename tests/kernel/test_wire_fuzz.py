"""Fuzzing the wire layer for a bounded time (issue 10, item 10): random and
mutated multipart messages, signed and unsigned, on every socket of a real
kernel (shell, control, stdin, heartbeat, IOPub), against a kernel with a key
and one without. Afterwards the kernel must be the same process and answer on
every channel; every reply it sent must be a well-formed, signed message
whose content is a JSON object with a status.

FUZZ_SECONDS (default 12, per kernel) and FUZZ_SEED set the run; a failure
prints the seed that reproduces it."""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import random
import time
import uuid
from datetime import datetime, timezone

import pytest
import zmq

from kernel_helpers import KERNEL_EXE, out, require_kernelspec, run_ok

DELIM = b"<IDS|MSG>"
SECONDS = float(os.environ.get("FUZZ_SECONDS", "12"))
# Everything a client may ask, except shutdown (a legitimate request that ends the kernel).
MSG_TYPES = ["execute_request", "kernel_info_request", "complete_request", "inspect_request",
             "is_complete_request", "history_request", "comm_info_request", "comm_open", "comm_msg",
             "comm_close", "interrupt_request", "input_reply", "no_such_request", ""]
WEIRD = [None, True, -1, 2 ** 63, 1e308, "", "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
         "x" * 5000, [], {}, [1, [2, [3]]], {"a": {"b": None}}, "é" * 100, "\x00"]


def rand_bytes(rng, n=None):
    n = rng.randint(0, 300) if n is None else n
    return bytes(rng.getrandbits(8) for _ in range(n))


def rand_json(rng, depth=0):
    r = rng.random()
    if depth > 3 or r < 0.3:
        return rng.choice(WEIRD)
    if r < 0.6:
        return [rand_json(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {rng.choice(["code", "cursor_pos", "silent", "hist_access_type", "n", "pattern", "comm_id",
                        "data", "target_name", "value", "detail_level", str(rng.random())]):
            rand_json(rng, depth + 1) for _ in range(rng.randint(0, 5))}


def content_for(rng, msg_type):
    """A content that is close to valid for msg_type, with odd values."""
    code = rng.choice(["1 + 1", "int fz_x = 2;", "tensor_", "?tensor_randn", "%who", "\xff\xfe", "{{{", "",
                       "printf(\"%s\", \"ok\");", "/* unterminated", "#include <nonexistent.h>"])
    c = {"execute_request": {"code": code, "silent": rng.random() < 0.3, "store_history": rng.random() < 0.5,
                             "user_expressions": rng.choice([{}, {"a": "1 + 1"}, {"b": 3}, []]),
                             "allow_stdin": False, "stop_on_error": rng.random() < 0.5},
         "complete_request": {"code": code, "cursor_pos": rng.choice([0, len(code), -5, 10 ** 9, "3", None])},
         "inspect_request": {"code": code, "cursor_pos": rng.choice([0, len(code), -1, 2 ** 40, None]),
                             "detail_level": rng.choice([0, 1, 7, "x"])},
         "is_complete_request": {"code": code},
         "history_request": {"hist_access_type": rng.choice(["tail", "range", "search", "x", None]),
                             "n": rng.choice([1, 0, -3, 10 ** 9, "5"]), "pattern": rng.choice(["*", "[", None]),
                             "raw": True, "output": False, "session": rng.choice([0, -1, 5]),
                             "start": rng.choice([0, -10, 10 ** 12]), "stop": rng.choice([None, 3, -1])},
         }.get(msg_type, {})
    for _ in range(rng.randint(0, 2)):
        c[rng.choice(list(c) or ["code"])] = rand_json(rng)
    return c


class Peer:
    """Raw sockets on every channel of one kernel."""

    def __init__(self, info):
        self.key = info["key"] if isinstance(info["key"], bytes) else info["key"].encode()
        ctx = zmq.Context.instance()
        self.socks = {}
        for name, kind in (("shell", zmq.DEALER), ("control", zmq.DEALER), ("stdin", zmq.DEALER),
                           ("hb", zmq.DEALER), ("iopub", zmq.XSUB)):
            s = ctx.socket(kind)
            s.setsockopt(zmq.LINGER, 0)
            s.setsockopt(zmq.SNDHWM, 100)
            s.connect(f"{info['transport']}://{info['ip']}:{info[name + '_port']}")
            self.socks[name] = s
        self.session = uuid.uuid4().hex

    def close(self):
        for s in self.socks.values():
            s.close()

    def sign(self, parts):
        if not self.key:
            return b""
        h = hmac.new(self.key, digestmod=hashlib.sha256)
        for p in parts:
            h.update(p)
        return h.hexdigest().encode()

    def valid(self, rng, msg_type):
        header = {"msg_id": uuid.uuid4().hex, "session": self.session, "username": "fuzz",
                  "date": datetime.now(timezone.utc).isoformat(), "msg_type": msg_type, "version": "5.3"}
        parts = [json.dumps(header).encode(), b"{}", b"{}", json.dumps(content_for(rng, msg_type)).encode()]
        return [DELIM, self.sign(parts), *parts]

    def mutated(self, rng):
        frames = self.valid(rng, rng.choice(MSG_TYPES))
        for _ in range(rng.randint(1, 3)):
            op = rng.randrange(9)
            i = rng.randrange(len(frames)) if frames else 0
            if op == 0 and frames:
                f = bytearray(frames[i]) or bytearray(b"\x00")
                f[rng.randrange(len(f))] = rng.getrandbits(8)
                frames[i] = bytes(f)
            elif op == 1 and frames:
                frames[i] = frames[i][: rng.randint(0, len(frames[i]))]
            elif op == 2 and frames:
                del frames[i]
            elif op == 3 and frames:
                frames.insert(i, frames[i])
            elif op == 4:
                frames.insert(i, rand_bytes(rng))
            elif op == 5 and len(frames) > 1:
                j = rng.randrange(len(frames))
                frames[i], frames[j] = frames[j], frames[i]
            elif op == 6 and len(frames) >= 6:
                # odd JSON, correctly signed: past the signature, into the parser and the handlers
                k = rng.randrange(2, 6)
                frames[k] = rng.choice([json.dumps(rand_json(rng)).encode(), rand_bytes(rng, 20),
                                        b"[" * 3000 + b"]" * 3000, b'{"msg_type": "\xff\xfe"}'])
                frames[1] = self.sign(frames[2:6])
            elif op == 7:
                frames += [rand_bytes(rng, rng.randint(0, 50)) for _ in range(rng.randint(1, 30))]
            else:
                frames = [rand_bytes(rng) for _ in range(rng.randint(0, 8))]
        return frames

    def drain(self, replies):
        for name in ("shell", "control", "stdin", "hb"):
            s = self.socks[name]
            while s.poll(0):
                replies.append((name, s.recv_multipart()))


def check_reply(peer, channel, frames):
    """A reply of the kernel: <IDS|MSG>, a good signature, four JSON objects,
    and a status in the content of every *_reply."""
    if channel == "hb":
        return
    assert DELIM in frames, f"{channel}: reply without delimiter: {frames[:3]}"
    i = frames.index(DELIM)
    sig, parts = frames[i + 1], frames[i + 2:i + 6]
    assert len(parts) == 4, f"{channel}: reply with {len(parts)} frames after the signature"
    assert sig == peer.sign(parts), f"{channel}: reply badly signed"
    header, _, _, content = (json.loads(p) for p in parts)
    assert isinstance(content, dict)
    if header["msg_type"].endswith("_reply"):
        assert "status" in content, f"{channel}: {header['msg_type']} without status: {content}"


def fuzz(info, seed, seconds, kernel_pid):
    rng = random.Random(seed)
    peer = Peer(info)
    replies = []
    sent = 0
    try:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            channel = rng.choice(["shell", "shell", "control", "stdin", "hb", "iopub"])
            r = rng.random()
            if r < 0.25:
                frames = [rand_bytes(rng) for _ in range(rng.randint(0, 10))]
            elif r < 0.45:
                frames = peer.valid(rng, rng.choice(MSG_TYPES))
            else:
                frames = peer.mutated(rng)
            if channel == "iopub":
                frames = [rand_bytes(rng, rng.randint(0, 40))]
            try:
                if frames:
                    peer.socks[channel].send_multipart(frames, flags=zmq.NOBLOCK)
                    sent += 1
            except zmq.Again:
                time.sleep(0.01)
            if sent % 50 == 0:
                peer.drain(replies)
                assert os.path.exists(f"/proc/{kernel_pid}"), f"the kernel died (seed {seed})"
        time.sleep(1.0)
        peer.drain(replies)
        for channel, frames in replies:
            check_reply(peer, channel, frames)
    finally:
        peer.close()
    return sent, len(replies)


def check_kernel_answers(kc, pid_before, km_pid):
    assert km_pid == pid_before
    assert os.path.exists(f"/proc/{km_pid}")
    msg_id = kc.kernel_info()
    reply = kc.get_shell_msg(timeout=30)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=30)
    assert reply["content"]["status"] == "ok"
    assert out(kc, "6 * 7", timeout=60) == "42"


@pytest.mark.timeout(120)
def test_fuzz_signed(fresh_kernel, capsys):
    km, kc = fresh_kernel.km, fresh_kernel.kc
    seed = int(os.environ.get("FUZZ_SEED", time.time_ns() % 10 ** 9))
    pid = km.provisioner.process.pid
    run_ok(kc, "int fz_keep = 99;")
    sent, replies = fuzz(km.get_connection_info(), seed, SECONDS, pid)
    try:
        check_kernel_answers(kc, pid, km.provisioner.process.pid)
        assert out(kc, "fz_keep") == "99"
    except Exception as e:
        raise AssertionError(f"after fuzzing (seed {seed}): {e}") from e
    with capsys.disabled():
        print(f"\nwire fuzz (key): {sent} messages in {SECONDS:g} s, {replies} replies checked, seed {seed}")


@pytest.mark.timeout(120)
def test_fuzz_unsigned(tmp_path, capsys):
    import subprocess
    from jupyter_client import BlockingKernelClient
    from jupyter_client.connect import write_connection_file
    require_kernelspec()
    fname, info = write_connection_file(str(tmp_path / "conn.json"), key=b"")
    proc = subprocess.Popen([str(KERNEL_EXE), "-f", fname], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    kc = BlockingKernelClient()
    kc.load_connection_file(fname)
    kc.start_channels()
    seed = int(os.environ.get("FUZZ_SEED", time.time_ns() % 10 ** 9))
    try:
        kc.wait_for_ready(timeout=60)
        sent, replies = fuzz(kc.get_connection_info(), seed, SECONDS, proc.pid)
        try:
            check_kernel_answers(kc, proc.pid, proc.pid)
        except Exception as e:
            raise AssertionError(f"after fuzzing (seed {seed}): {e}") from e
    finally:
        kc.stop_channels()
        proc.kill()
        proc.wait()
    with capsys.disabled():
        print(f"\nwire fuzz (no key): {sent} messages in {SECONDS:g} s, {replies} replies checked, seed {seed}")
