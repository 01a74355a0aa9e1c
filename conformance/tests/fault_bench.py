"""The bench of the fail cases: a proxy (`proxy.FaultProxy`) in front of two reference servers,
one approved automatically (the `auto` driver), one with its sign-in and consent pages (`form`),
and `run(fault)`: the suite through the proxy while the fault breaks one requirement."""

from .conftest import SEED, SUITE_SETTINGS, run_suite
from .faults import Context, Resigner, catalogue
from .proxy import FaultProxy
from .servers import ReferenceServer, WSGIThread, write_target


class Bench:
    """The proxy, and a reference server behind it for each approval driver."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.proxy = FaultProxy()
        self.thread = WSGIThread(self.proxy)
        self.servers = {
            driver: ReferenceServer(
                workdir, self.thread.url, auto_approve=driver == "auto", workers=1, settings=SUITE_SETTINGS
            )
            for driver in ("auto", "form")
        }
        self.proxy.upstreams = {driver: server.url for driver, server in self.servers.items()}
        self.faults = {f.name: f for f in catalogue(Context(self.thread.url, workdir.clients, Resigner()))}

    def run(self, fault=None, *args, driver: str = "auto", report: dict | None = None, subprocess_run=False):
        """Run the suite through the proxy with `fault` (None: none): the checks `args` select
        (pytest and suite options), else the checks the fault breaks."""
        driver = fault.driver if fault else driver
        state = fault.state if fault else {}
        clients = {role: dict(client) for role, client in self.workdir.clients.items()}
        for key in ("client_secret", "auth_method", "client_id", "scope"):
            if key in state:
                clients["confidential"][key] = state[key]
        seed = SEED + ("one_scope_per_request = true\n" if state.get("one_scope_per_request") else "")
        name = fault.name if fault else f"no-fault-{driver}"
        target = write_target(
            self.workdir.path / f"{name}.toml",
            self.thread.url,
            clients,
            driver=driver,
            password=self.workdir.user_password if driver == "form" else None,
            resource=not state.get("no_resource"),
            extra=seed,
            metadata_path=state.get("metadata_path", "/.well-known/oauth-authorization-server"),
            private_key_jwt=self.workdir.private_key_jwt,
        )
        self.proxy.fault, self.proxy.driver = fault, driver
        try:
            checks = list(args) or [arg for check_id in fault.breaks for arg in ("--check", check_id)]
            return run_suite(target, *checks, report=report, subprocess_run=subprocess_run)
        finally:
            self.proxy.fault = None

    def stop(self):
        self.thread.stop()
        for server in self.servers.values():
            server.stop()
