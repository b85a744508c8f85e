"""A slow SMTP server for the fault scripts that keeps every letter it accepts, one file each.

It speaks just enough SMTP for Django's backend (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT).
A letter is stored when the line with the single dot that ends DATA arrives — the moment a real
server takes responsibility for it — and one whose connection drops before that is thrown away,
as RFC 5321 §3.8 requires. Answers to DATA and to the dot each wait `delay` seconds, so a worker
killed at a random moment is often in the middle of a letter.
"""

import socketserver
import threading
import time
import uuid
from pathlib import Path


class _Session(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self):
        try:
            self._converse()
        except ConnectionError:
            self.server.dropped += 1  # killed mid-letter: nothing half-received is kept

    def _converse(self):
        server = self.server
        self.reply("220 faults-sink ESMTP")
        while True:
            line = self.rfile.readline()
            if not line:
                return  # the client vanished: nothing half-received is kept
            command = line.strip().upper()
            if command.startswith((b"EHLO", b"HELO")):
                self.reply("250 faults-sink")
            elif command.startswith((b"MAIL", b"RCPT", b"RSET", b"NOOP")):
                self.reply("250 OK")
            elif command == b"DATA":
                time.sleep(server.delay)
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while True:
                    chunk = self.rfile.readline()
                    if not chunk:
                        server.dropped += 1
                        return
                    if chunk in (b".\r\n", b".\n"):
                        break
                    lines.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                server.store(b"".join(lines))
                time.sleep(server.delay)
                self.reply("250 OK queued")
            elif command == b"QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


class SmtpSink(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, directory, delay=0.05, port=0):
        super().__init__(("127.0.0.1", port), _Session)
        self.directory = Path(directory)
        self.delay = delay
        self.dropped = 0
        self._lock = threading.Lock()

    @property
    def port(self):
        return self.server_address[1]

    def store(self, data):
        name = uuid.uuid4().hex
        partial = self.directory / f".{name}.part"
        partial.write_bytes(data)
        partial.rename(self.directory / f"{name}.eml")

    def __enter__(self):
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()
