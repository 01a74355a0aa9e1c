"""The layout reads as the products: the server (`reference_as`), the suite
(`conformance`), the client library they share (`oauth_client`). The server
never imports the suite (DESIGN.md), so that what checks a server is not part
of the server it checks."""

import subprocess
import sys


def test_the_server_and_its_playground_import_nothing_of_the_conformance_suite():
    program = (
        "import pkgutil, importlib, sys, reference_as\n"
        "for module in pkgutil.walk_packages(reference_as.__path__, 'reference_as.'):\n"
        "    importlib.import_module(module.name)\n"
        "print(sorted(name for name in sys.modules if name == 'conformance' or name.startswith('conformance.')))\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
