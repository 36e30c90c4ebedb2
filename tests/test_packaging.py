"""What `pip install .` gives works without the test extras: the harness and the server import and run with
pytest and the other test-only packages made unimportable, and `mock_exchange.state` loads no Starlette."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.long  # subprocesses that import the whole package

ROOT = Path(__file__).resolve().parent.parent
TEST_ONLY = ("pytest", "_pytest", "xdist", "ruff", "mypy", "hypothesis_pytest", "pluggy", "iniconfig")


def _python(code: str, *, blocked: bool = False, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run `code` in a fresh interpreter (with the test-only packages unimportable when `blocked`)."""
    source = (_BLOCK if blocked else "") + textwrap.dedent(code)
    return subprocess.run([sys.executable, "-c", source], capture_output=True, text=True, timeout=timeout, cwd=ROOT)


# A meta-path finder that makes the test-only packages unimportable, as in a venv with only `pip install .`
_BLOCK = f"""
import importlib.abc, sys
BLOCKED = {TEST_ONLY!r}
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {{name!r}} (blocked: test-only)")
        return None
for m in [m for m in sys.modules if m.partition(".")[0] in BLOCKED]:
    del sys.modules[m]
sys.meta_path.insert(0, Block())
"""


def test_every_harness_and_server_module_imports_without_test_only_packages() -> None:
    out = _python(blocked=True, code="""
        import importlib, pkgutil
        import conformance, mock_exchange, client
        failed = []
        for pkg in (conformance, mock_exchange, client):
            for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
                if info.name == "mock_exchange.pytest_plugin":
                    continue  # the one module that is for pytest
                try:
                    importlib.import_module(info.name)
                except ImportError as exc:
                    failed.append(f"{info.name}: {exc}")
        print("\\n".join(failed) or "ok")
    """)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok", out.stdout


def test_the_cli_lists_and_runs_the_reference_adapter_without_test_only_packages() -> None:
    out = _python(blocked=True, code="""
        from conformance.cli import main
        assert main(["list"]) == 0
        code = main(["run", "--adapter", "reference", "--checks", "SIGN-001,ERR-001", "--quiet"])
        print("exit", code)
    """)
    assert out.returncode == 0, out.stderr
    assert "SIGN-001" in out.stdout and "exit 0" in out.stdout, out.stdout


def test_the_blocker_really_blocks() -> None:
    """The finder above is what the other tests rely on: importing pytest under it fails."""
    out = _python("import pytest\n", blocked=True)
    assert out.returncode != 0 and "blocked: test-only" in out.stderr


def test_importing_the_state_package_loads_no_starlette() -> None:
    out = _python("""
        import sys
        import mock_exchange.state, mock_exchange.clock
        loaded = sorted(m for m in sys.modules if m.partition(".")[0] in {"starlette", "uvicorn", "httpx"})
        print(loaded)
        import mock_exchange
        assert mock_exchange.Config.__name__ == "Config"  # the lazy names still resolve
    """)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]", out.stdout


def test_server_process_runs_the_cli_and_stops() -> None:
    import httpx

    from mock_exchange.server import ServerProcess

    with ServerProcess(["--seed", "7"]) as srv:
        assert httpx.get(srv.url + "/_mock/health").json() == {"status": "ok"}
        process = srv.process
    assert process is not None and process.poll() is not None


def test_a_missing_optional_client_names_the_extra_to_install() -> None:
    out = _python("""
        import importlib.abc, sys
        class NoCcxt(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name.partition(".")[0] == "ccxt":
                    raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        sys.meta_path.insert(0, NoCcxt())
        from conformance.cli import main
        raise SystemExit(main(["run", "--adapter", "ccxt"]))
    """)
    assert out.returncode == 2, out.stderr
    assert "pip install 'bitget-mock[ccxt]'" in out.stderr and "Traceback" not in out.stderr
