"""A real JupyterHub on 127.0.0.1 for the hub test and ``make bench-hub``.

JupyterHub with configurable-http-proxy (from ``npm ci``: node_modules/.bin), DummyAuthenticator
and SimpleLocalProcessSpawner: every user's home is a folder under the harness's own temporary
folder. The harness drives the hub as a browser and a student would, through HTTP only:

- ``login(name)``: the hub's login form (DummyAuthenticator takes any password);
- ``user_token(name)``: an API token for that user's server (REST and kernel websocket);
- ``Kernel``: runs code and talks to widgets over ``/api/kernels/ID/channels``, the way
  JupyterLab does.

``stop()`` stops every process the hub started (user servers, kernels, the proxy), also the
ones a failed run leaves behind: the hub, the proxy, each server and each kernel runs with its
working directory under the harness's folder, so they are found by that and nothing else.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urljoin, urlsplit

REPO = Path(__file__).resolve().parent.parent
PROXY = REPO / "node_modules" / ".bin" / "configurable-http-proxy"
SERVICE = "coursekit-harness"
# Variables that would point a user's kernel at another course, store or Jupyter setup.
_DROP = ("COURSEKIT_ROOT", "COURSEKIT_PROGRESS_DB", "COURSEKIT_LEARNER", "JUPYTERHUB_", "JUPYTER_",
         "JPY_", "CONFIGPROXY_")


def proxy_missing() -> str | None:
    """Why the hub cannot start here (no proxy installed), or None."""
    if not PROXY.exists():
        return (f"{PROXY.relative_to(REPO)} is missing: install configurable-http-proxy with `npm ci` "
                "(needs npm: `sudo apt-get install npm`)")
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


CONFIG = """\
import os
c = get_config()  # noqa: F821
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.ConfigurableHTTPProxy.pid_file = {base!r} + "/proxy.pid"
c.JupyterHub.pid_file = {base!r} + "/hub.pid"
c.JupyterHub.db_url = "sqlite:///" + {base!r} + "/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = {base!r} + "/cookie_secret"
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {base!r} + "/homes/{{username}}"
c.Spawner.cmd = [{singleuser!r}]
c.Spawner.args = {args!r}
c.Spawner.ip = "127.0.0.1"
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180
c.Spawner.environment = {environment!r}
# Each user's kernels put their IPC sockets in a short folder of their own (a socket's path must
# stay under 108 bytes; the homes here are deep).
c.Spawner.environment["JUPYTER_RUNTIME_DIR"] = lambda spawner: {runtime!r} + "/" + spawner.user.name
c.JupyterHub.services = [{{"name": {service!r}, "api_token": {token!r}}}]
c.JupyterHub.load_roles = [{{
    "name": "coursekit-harness",
    "scopes": ["admin:users", "admin:servers", "tokens", "access:servers", "read:users"],
    "services": [{service!r}],
}}]
c.JupyterHub.concurrent_spawn_limit = 0
c.JupyterHub.active_server_limit = 0
"""


class Hub:
    def __init__(self, base: Path, *, environment: dict[str, str] | None = None, log_name: str = "hub.log"):
        self.base = Path(base).resolve()
        self.base.mkdir(parents=True, exist_ok=True)
        (self.base / "homes").mkdir(exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.token = secrets.token_hex(24)
        self.log_path = self.base / log_name
        self.proc: subprocess.Popen | None = None
        # The kernels talk to their servers over IPC sockets, as README advises for a hub where
        # many servers share one machine: no TCP ports to pick (twenty servers that pick free
        # ports at the same moment can pick the same one, and that kernel dies at start) and no
        # "running over TCP without encryption" warning.
        args = ["--KernelManager.transport=ipc"] + (["--allow-root"] if os.geteuid() == 0 else [])
        self.runtime = Path(tempfile.mkdtemp(prefix="ck-rt-"))
        env_for_users = {"PYTHONPATH": str(REPO / "src"), **(environment or {})}
        self.config = self.base / "jupyterhub_config.py"
        self.config.write_text(CONFIG.format(
            port=self.port, hub_port=free_port(), api_port=free_port(), proxy=str(PROXY), base=str(self.base),
            singleuser=str(Path(sys.executable).parent / "jupyterhub-singleuser"), args=args,
            environment=env_for_users, runtime=str(self.runtime), service=SERVICE, token=self.token), encoding="utf-8")

    # -- life cycle --------------------------------------------------------------------------
    def start(self, timeout: float = 90) -> Hub:
        env = {k: v for k, v in os.environ.items() if not k.startswith(_DROP)}
        env["PYTHONPATH"] = str(REPO / "src")
        env["PATH"] = f"{Path(sys.executable).parent}:{env.get('PATH', '/usr/bin:/bin')}"
        self._log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen([str(Path(sys.executable).parent / "jupyterhub"), "-f", str(self.config)],
                                     cwd=self.base, env=env, stdout=self._log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        import requests

        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterHub exited at start:\n{self.log_tail()}")
            try:
                if requests.get(f"{self.url}/hub/api", timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"JupyterHub did not answer within {timeout:.0f} s:\n{self.log_tail()}")
            time.sleep(0.3)

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-chars:]
        except OSError:
            return "(no log)"

    def processes(self) -> list:
        """Every live process working under this hub's folder (hub, proxy, servers, kernels)."""
        import psutil

        found = []
        for p in psutil.process_iter(["pid"]):
            try:
                cwd = Path(p.cwd())
            except (psutil.Error, OSError):
                continue
            if cwd == self.base or self.base in cwd.parents:
                found.append(p)
        return found

    def stop(self) -> list[str]:
        """Stop the servers, the hub and the proxy; then end anything left. Returns what had to be killed."""
        import psutil

        if self.proc is not None and self.proc.poll() is None:
            try:
                for name in self.api("GET", "/users").json():
                    if name.get("server"):
                        self.api("DELETE", f"/users/{name['name']}/server", timeout=30)
            except Exception:  # noqa: BLE001 - the hub may be the thing that failed; the sweep below still runs
                pass
            self.proc.send_signal(signal.SIGTERM)  # the hub stops the proxy on the way out
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        killed = []
        left = self.processes()
        for p in left:
            try:
                killed.append(" ".join(p.cmdline()[:3]))
                p.terminate()
            except psutil.Error:
                pass
        _, alive = psutil.wait_procs(left, timeout=10)
        for p in alive:
            try:
                p.kill()
            except psutil.Error:
                pass
        if getattr(self, "_log", None):
            self._log.close()
        shutil.rmtree(self.runtime, ignore_errors=True)
        return killed

    # -- REST ----------------------------------------------------------------------------------
    def api(self, method: str, path: str, *, timeout: float = 30, **kw):
        import requests

        r = requests.request(method, f"{self.url}/hub/api{path}", timeout=timeout,
                             headers={"Authorization": f"token {self.token}"}, **kw)
        r.raise_for_status()
        return r

    def user_token(self, name: str) -> str:
        r = self.api("POST", f"/users/{name}/tokens", json={"note": "coursekit harness", "expires_in": 3600})
        return r.json()["token"]

    def spawn(self, name: str) -> None:
        """Start ``name``'s server through the REST API (creating the user) and wait until it answers."""
        try:
            self.api("POST", f"/users/{name}")
        except Exception:  # noqa: BLE001 - already exists
            pass
        self.api("POST", f"/users/{name}/server", timeout=200)
        self.wait_ready(name)

    def wait_ready(self, name: str, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            user = self.api("GET", f"/users/{name}").json()
            server = (user.get("servers") or {}).get("", {})
            if server.get("ready"):
                return
            time.sleep(0.3)
        raise RuntimeError(f"{name}'s server did not start within {timeout:.0f} s:\n{self.log_tail()}")

    def login(self, name: str, password: str = "any password"):
        """A browser session (requests.Session) logged in to the hub as ``name``."""
        import requests

        s = requests.Session()
        page = s.get(f"{self.url}/hub/login", timeout=30)
        page.raise_for_status()
        m = re.search(r'name="_xsrf"\s+value="([^"]+)"', page.text)
        data = {"username": name, "password": password}
        if m:
            data["_xsrf"] = m.group(1)
        r = s.post(f"{self.url}/hub/login", data=data, timeout=60, allow_redirects=False)
        if r.status_code not in (200, 302, 303):
            raise RuntimeError(f"login as {name} failed: HTTP {r.status_code}")
        return s

    def home(self, name: str) -> Path:
        return self.base / "homes" / name


def follow(session, url: str, *, timeout: float = 180):
    """GET ``url`` in a browser session, following redirects; waits out the hub's spawn-pending page."""
    deadline = time.monotonic() + timeout
    while True:
        r = session.get(url, timeout=120)
        path = urlsplit(r.url).path
        if "/spawn-pending/" not in path and "/spawn/" not in path:
            return r
        if time.monotonic() > deadline:
            raise RuntimeError(f"the server behind {url} did not start within {timeout:.0f} s")
        time.sleep(0.5)


def pull(session, server: str, repo: str, branch: str | None = None) -> list[dict]:
    """What nbgitpuller's page does in the browser: stream ``git-pull/api`` until it finishes."""
    params = {"repo": repo}
    if branch:
        params["branch"] = branch
    events = []
    with session.get(urljoin(server, "git-pull/api"), params=params, stream=True, timeout=120) as r:
        r.raise_for_status()
        for line in r.iter_lines(decode_unicode=True):
            if line and line.startswith("data:"):
                event = json.loads(line[5:])
                events.append(event)
                if event.get("phase") in ("finished", "error"):
                    break
    return events


class KernelError(RuntimeError):
    pass


WS_V1 = "v1.kernel.websocket.jupyter.org"


def ws_v1_frame(channel: str, parts: list[bytes]) -> bytes:
    """A message in the v1 kernel websocket protocol: the number of offsets, the offsets (8 bytes,
    little-endian each), the channel, then header, parent header, metadata, content, buffers."""
    chunks = [channel.encode(), *parts]
    offsets = [8 * (2 + len(chunks))]
    for chunk in chunks:
        offsets.append(offsets[-1] + len(chunk))
    return b"".join([len(offsets).to_bytes(8, "little"), *(o.to_bytes(8, "little") for o in offsets), *chunks])


def ws_v1_message(data: bytes) -> dict:
    """The message of a v1 frame (the inverse of :func:`ws_v1_frame`), as the JSON protocol gives it."""
    n = int.from_bytes(data[:8], "little")
    offsets = [int.from_bytes(data[8 * (i + 1):8 * (i + 2)], "little") for i in range(n)]
    chunks = [data[offsets[i]:offsets[i + 1]] for i in range(n - 1)]
    channel, header, parent, metadata, content, *buffers = chunks
    return {"channel": channel.decode(), "header": json.loads(header), "parent_header": json.loads(parent),
            "metadata": json.loads(metadata), "content": json.loads(content), "buffers": buffers}


class Kernel:
    """A kernel of one user's server, driven over the websocket as JupyterLab does."""

    def __init__(self, hub_url: str, user: str, token: str, notebook_path: str):
        import requests
        import websocket

        self.base = f"{hub_url}/user/{user}/api"
        self.headers = {"Authorization": f"token {token}"}
        r = requests.post(f"{self.base}/sessions", headers=self.headers, timeout=120,
                          json={"path": notebook_path, "type": "notebook", "name": "",
                                "kernel": {"name": "python3"}})
        r.raise_for_status()
        self.session_id = r.json()["id"]
        self.kernel_id = r.json()["kernel"]["id"]
        self.ws_url = self.base.replace("http://", "ws://") + f"/kernels/{self.kernel_id}/channels"
        self.client_session = uuid.uuid4().hex
        self.comms: dict[str, dict] = {}  # comm id -> widget state (as JupyterLab would hold it)
        for attempt in range(3):  # JupyterLab reconnects too when a busy server drops the socket
            try:
                self.connect()
                self.wait_idle_after(self._send("kernel_info_request", {}), timeout=120)
                break
            except (KernelError, OSError, websocket.WebSocketException):
                if attempt == 2:
                    raise
                time.sleep(2)

    def connect(self) -> None:
        """Open the kernel's websocket (again). A socket nobody reads from does not answer the
        server's pings and is closed after about 90 s: close it while waiting, then reconnect."""
        import websocket

        # Without the client's pure-Python UTF-8 check (0.1 s of CPU per 300 KB figure): a browser
        # runs elsewhere, and here that work would take CPU from the kernels being measured.
        # JupyterLab 4's binary protocol: the server passes the kernel's frames through without
        # parsing and re-encoding them as one JSON text per message.
        self.ws = websocket.create_connection(self.ws_url, header=[f"Authorization: {self.headers['Authorization']}"],
                                              timeout=300, skip_utf8_validation=True, subprotocols=[WS_V1])
        self.v1 = self.ws.getsubprotocol() == WS_V1

    def _send(self, msg_type: str, content: dict, channel: str = "shell") -> str:
        msg_id = uuid.uuid4().hex
        header = {"msg_id": msg_id, "msg_type": msg_type, "username": "student", "session": self.client_session,
                  "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "version": "5.3"}
        if self.v1:
            parts = [json.dumps(part).encode() for part in (header, {}, {}, content)]
            self.ws.send_binary(ws_v1_frame(channel, parts))
        else:
            self.ws.send(json.dumps({"header": header, "parent_header": {}, "metadata": {}, "content": content,
                                     "channel": channel, "buffers": []}))
        return msg_id

    def wait_idle_after(self, msg_id: str, timeout: float = 300, *, reply: bool = True) -> list[dict]:
        """Messages in reply to ``msg_id`` until the kernel is idle again; widget state is tracked.

        ``reply``: wait for the shell reply too (requests have one; a ``comm_msg`` has none).
        """
        got: list[dict] = []
        reply_seen, idle_seen = not reply, False
        deadline = time.monotonic() + timeout
        while not (reply_seen and idle_seen):
            if time.monotonic() > deadline:
                raise TimeoutError(f"the kernel did not answer {msg_id} within {timeout:.0f} s")
            self.ws.settimeout(max(1.0, deadline - time.monotonic()))
            data = self.ws.recv()
            if not data:
                raise KernelError("the server closed the kernel's websocket")
            msg = ws_v1_message(data) if isinstance(data, bytes) else json.loads(data)
            mtype = msg["header"]["msg_type"]
            content = msg.get("content", {})
            if mtype == "comm_open" and content.get("target_name") == "jupyter.widget":
                self.comms[content["comm_id"]] = dict(content.get("data", {}).get("state", {}))
            elif mtype == "comm_msg" and content.get("data", {}).get("method") in ("update", "echo_update"):
                self.comms.setdefault(content["comm_id"], {}).update(content["data"].get("state", {}))
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            got.append(msg)
            if msg["channel"] == "shell":
                reply_seen = True
            elif mtype == "status" and content.get("execution_state") == "idle":
                idle_seen = True
        return got

    def run(self, code: str, timeout: float = 300) -> str:
        """Run ``code``; returns its printed output; raises KernelError with the traceback on an error."""
        msgs = self.wait_idle_after(self._send("execute_request", {
            "code": code, "silent": False, "store_history": True, "user_expressions": {},
            "allow_stdin": False, "stop_on_error": True}), timeout=timeout)
        out = []
        for m in msgs:
            mtype, content = m["header"]["msg_type"], m["content"]
            if mtype == "stream":
                out.append(content["text"])
            elif mtype == "error":
                raise KernelError(f"{content['ename']}: {content['evalue']}\n" + "\n".join(content["traceback"]))
            elif mtype == "execute_reply" and content.get("status") != "ok":
                raise KernelError(f"{content.get('ename')}: {content.get('evalue')}")
        return "".join(out)

    def question_widget(self, question_id: str) -> str:
        """The comm id of the quiz widget showing ``question_id`` (from the state the kernel sent)."""
        for cid, state in self.comms.items():
            if (state.get("question") or {}).get("id") == question_id:
                return cid
        raise KeyError(f"no quiz widget for question {question_id!r} was displayed")

    def comm_msg(self, comm_id: str, data: dict) -> list[dict]:
        return self.wait_idle_after(self._send("comm_msg", {"comm_id": comm_id, "data": data}), reply=False)

    def answer(self, comm_id: str, value) -> dict:
        """Set a question widget's value and press Submit, as the browser does; returns its new state."""
        self.comm_msg(comm_id, {"method": "update", "state": {"value": value}, "buffer_paths": []})
        self.comm_msg(comm_id, {"method": "custom", "content": {"event": "submit"}})
        return self.comms[comm_id]

    def close(self) -> None:
        import requests

        try:
            self.ws.close()
        finally:
            requests.delete(f"{self.base}/sessions/{self.session_id}", headers=self.headers, timeout=60)


def code_cells(notebook: dict) -> list[str]:
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in notebook["cells"] if c["cell_type"] == "code"]
