"""Every way in, with generated arguments: the ``pressroom`` commands and the chat's named endpoints
(``/ask``, ``/chat``, ``/add_documents``) get values of every type, size, encoding and path, and
answer, or refuse in one sentence of their own. Never "unexpected failure" (the command line) nor
"Something went wrong" (the chat): those mean a bug, and ask the person to report it.

Hypothesis runs derandomized (the same examples every run) and keeps no example database.
"""

from __future__ import annotations

import json
import os
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from knowledge import Index, Settings
from knowledge.embedding import HashingEmbedder
from tests.reliability.conftest import make_corpus
from tests.ui.conftest import GRADIO_NOISE, Served, serve_in_process

BUG = ("unexpected failure", "Something went wrong", "Traceback", "Please report it")
FUZZ = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)

# ---- generated values -----------------------------------------------------------------------

ANY_CHAR = st.characters(exclude_characters="\x00")  # a command-line argument cannot hold a NUL byte
TEXT = (
    st.text(ANY_CHAR, max_size=40)
    | st.text(ANY_CHAR, min_size=2000, max_size=2100)
    | st.sampled_from(
        [
            "",
            " ",
            "When was the plan launched?",
            "\ud800 lone surrogate",
            "é" * 3000,
            "-x",
            "--json",
            "../../etc/passwd",
        ]
    )
)
NAMES = st.text(st.characters(exclude_characters="\x00/"), min_size=1, max_size=30) | st.sampled_from(
    [".", "..", "x" * 300, "name\nwith newline.txt", "\udcff-not-utf8.txt", "report.PDF", "a.zip", " .md"]
)
SUFFIXES = st.sampled_from([".txt", ".md", ".html", ".pdf", ".zip", ".docx", ""])
CONTENT = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300).map(lambda text: text.encode("utf-8", "surrogatepass")),
    st.sampled_from(
        [b"", b"Press note\n\nThe committee met in Dakar on 3 May 2024.\n", "Été à Gao.\n".encode("latin-1")]
    ),
)
K = st.one_of(st.integers(-3, 60).map(str), st.sampled_from(["5.0", "2.5", " 7 ", "1e3", "0x10", "", "nan", "٣"]), TEXT)
ANSWERERS = st.sampled_from(
    ["extractive", "extractive", "", "nope", "../llm", "Extractive"]
)  # "llm" would load a model


@st.composite
def paths(draw: st.DrawFn, base: Path, devices: bool = True) -> str:
    """A path under ``base``: missing, a folder, or a file of generated name, type and bytes (made here);
    or /dev/null, unless ``devices`` is False (where the path is written to)."""
    kind = draw(st.sampled_from(["file", "file", "missing", "folder", "base", *(["devnull"] if devices else [])]))
    if kind == "base":
        return str(base)
    if kind == "devnull":
        return os.devnull
    name = draw(NAMES) + draw(SUFFIXES)
    path = base / name
    if kind == "missing" or name in (".", ".."):
        return str(path)
    try:
        if kind == "folder":
            path.mkdir(exist_ok=True)
            (path / "inside.txt").write_bytes(draw(CONTENT))
        elif not path.is_dir():
            path.write_bytes(draw(CONTENT))
    except (OSError, ValueError):  # a name too long, or not encodable: the path is used all the same
        pass
    return str(path)


@st.composite
def commands(draw: st.DrawFn, base: Path) -> list[str]:
    json_flag = draw(st.sampled_from([[], ["--json"]]))
    command = draw(st.sampled_from(["ask", "ask", "ingest", "sources", "remove", "export", "import", "bare"]))
    globals_ = draw(st.sampled_from([[], [], ["--model", "hashing"], ["--model", "no-such-model"]]))
    if command == "ask":
        options = draw(st.lists(st.sampled_from(["-k", "--answerer"]), max_size=2, unique=True))
        values = [x for o in options for x in (o, draw(K) if o == "-k" else draw(ANSWERERS))]
        return [*globals_, "ask", *json_flag, *values, draw(TEXT)]
    if command == "ingest":
        return [*globals_, "ingest", *json_flag, *draw(st.lists(paths(base), min_size=1, max_size=3))]
    if command == "remove":
        return [*globals_, "remove", *json_flag, draw(TEXT | st.just("iom-mali-trafficking-2023"))]
    if command == "export":
        return [*globals_, "export", *json_flag, "--force", draw(paths(base, devices=False))]
    if command == "import":
        archive = draw(st.sampled_from([str(base / "good.zip"), str(base / "cut.zip")]) | paths(base))
        return [*globals_, "import", *json_flag, "--yes", archive]
    if command == "bare":
        return draw(st.lists(TEXT, max_size=3))  # whatever a person might type after `pressroom`
    return [*globals_, "sources", *json_flag]


# ---- the command line -------------------------------------------------------------------------

COMMANDS = {"ask", "ingest", "sources", "remove", "export", "import"}


@pytest.fixture
def workspace(tmp_path: Path, use_fake_model: None, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder for generated files, a good archive and a cut one; the current directory is in it."""
    from ui.cli import main

    base = tmp_path / "files"
    base.mkdir()
    make_corpus(base / "notes", files=2, seed=3, sentences=(3, 5))
    assert main(["ingest", str(base / "notes")]) == 0
    assert main(["export", str(base / "good.zip")]) == 0
    (base / "cut.zip").write_bytes((base / "good.zip").read_bytes()[:2000])
    monkeypatch.chdir(base)
    return base


@settings(FUZZ, max_examples=120)
@given(data=st.data())
def test_every_command_answers_or_refuses_in_one_line(
    workspace: Path, data: st.DataObject, capsys: pytest.CaptureFixture[str]
) -> None:
    from ui.cli import main

    argv = data.draw(commands(workspace), label="argv")
    model = os.environ.get("PRESSROOM_MODEL")
    try:
        code = main(argv)
    except SystemExit as exit_:  # argparse: usage, or --help
        code = exit_.code if isinstance(exit_.code, int) else 2
    finally:
        os.environ["PRESSROOM_MODEL"] = model or "hashing"  # --model sets it for the process; not for the next example
    out, err = capsys.readouterr()
    event(f"{next((a for a in argv if a in COMMANDS), 'other')} -> {code}")
    assert not any(bug in err or bug in out for bug in BUG), (argv, err)
    assert code in (0, 1, 2), (argv, code, err)
    if code == 1:
        lines = err.strip().splitlines()
        last = lines[-1] if lines else ""
        assert last.startswith("error: ") or all(line.startswith(("skipped: ", "note: ")) for line in lines), (
            argv,
            err,
        )
        assert not last.startswith("error: ") or last.endswith((".", ")")), (argv, err)
    assert not any(
        p.name.startswith(".") and p.name.endswith(".partial") for p in workspace.iterdir()
    )  # no half-written archive


# ---- the chat's named endpoints -----------------------------------------------------------------
# Called over HTTP as any script may (Gradio's two-step call API), with JSON that gradio_client
# would not send: lone surrogates (escaped in the JSON), and values of any type for any parameter.
# Gradio looks for files in every argument first: an object with a "path" that is not a proper file
# payload fails there, before Pressroom is called, with no message ("error": null). Not ours to fix.

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["path", "meta", "role", "content"]), inner, max_size=3)
    ),
    max_leaves=6,
)
# Often a sound value, so that whole answers are checked too, not only refusals.
QUESTIONS = (
    st.sampled_from(["When was the plan launched?", "Who chaired it?", "Quand le plan a-t-il été lancé ?"])
    | TEXT
    | JSON
)
KS = st.integers(1, 20) | st.integers(-3, 60) | st.sampled_from([5.0, 2.5, "7", "abc", None, True, [5], 1e300]) | JSON
ANY_ANSWERER = st.just("extractive") | ANSWERERS | JSON


@pytest.fixture(scope="module")
def hashing_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    index = Index(Settings(home=tmp_path_factory.mktemp("fuzz-app"), model="hashing"), embedder=HashingEmbedder())
    index.ensure_default()
    served = serve_in_process(index)
    yield served
    served.app.close()


@pytest.fixture
def http(hashing_app: Served) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=hashing_app.url, timeout=60) as client:
        yield client


def call(http: httpx.Client, api_name: str, data: list[Any]) -> tuple[str, Any]:
    """``("complete", outputs)``, or ``("error", message)``: None when Gradio gives no message."""
    body = json.dumps({"data": data})  # ASCII, so a lone surrogate travels as \ud800
    started = http.post(f"/gradio_api/call/{api_name}", content=body, headers={"content-type": "application/json"})
    assert started.status_code == 200, started.text
    events = http.get(f"/gradio_api/call/{api_name}/{started.json()['event_id']}").text
    kind = re.findall(r"^event: (\w+)", events, re.MULTILINE)[-1]
    payload = json.loads(re.findall(r"^data: (.*)$", events, re.MULTILINE)[-1])
    return kind, payload.get("error") if kind == "error" and isinstance(payload, dict) else payload


@GRADIO_NOISE
@settings(FUZZ, max_examples=80)
@given(endpoint=st.sampled_from(["ask", "chat"]), question=QUESTIONS, k=KS, answerer=ANY_ANSWERER)
def test_the_ask_and_chat_endpoints_answer_or_refuse_in_words(
    http: httpx.Client, endpoint: str, question: Any, k: Any, answerer: Any
) -> None:
    kind, outcome = call(http, endpoint, [question, k, answerer])
    event(f"/{endpoint} -> {kind}")
    said = json.dumps(outcome, ensure_ascii=False)
    assert not any(bug in said for bug in BUG), said
    if kind == "error" and outcome is None:  # Gradio failed before Pressroom was called: only on what looks like a file
        assert '"path"' in json.dumps([question, k, answerer]), (question, k, answerer)
    elif kind == "error":  # Pressroom's own sentence
        assert isinstance(outcome, str) and outcome.count("\n") == 0 and outcome.endswith("."), outcome
    else:
        assert kind == "complete", (kind, outcome)


@GRADIO_NOISE
@settings(FUZZ, max_examples=25)
@given(files=st.lists(st.tuples(NAMES, SUFFIXES, CONTENT), min_size=1, max_size=3), junk=st.none() | JSON)
def test_the_upload_endpoint_adds_or_refuses_in_words(http: httpx.Client, files: Any, junk: Any) -> None:
    """Uploaded files of any name, type and bytes are added or refused in one message. A payload that
    is not files at all is refused by Gradio's own check of the file payload, before Pressroom sees
    it (without a message)."""
    files = [
        (name.encode("utf-8", "surrogatepass").decode("utf-8", "replace"), suffix, content)
        for name, suffix, content in files
    ]
    uploaded = http.post(
        "/gradio_api/upload",
        files=[("files", (name + suffix, content, "text/plain")) for name, suffix, content in files],
    )
    if uploaded.status_code == 400:  # Gradio refuses some names outright ("Invalid file name: ..")
        assert not any(bug in uploaded.text for bug in BUG), uploaded.text
    else:
        assert uploaded.status_code == 200, uploaded.text
        data = [
            {"path": path, "orig_name": name + suffix, "meta": {"_type": "gradio.FileData"}}
            for path, (name, suffix, _) in zip(uploaded.json(), files)
        ]
        kind, outcome = call(http, "add_documents", [data])
        event(f"upload -> {kind}")
        said = json.dumps(outcome, ensure_ascii=False)
        assert not any(bug in said for bug in BUG), said
        if kind == "error":  # a type the page does not accept: Gradio says so
            assert outcome and "Invalid file type" in outcome, outcome
    kind, outcome = call(http, "add_documents", [junk])
    assert not any(bug in json.dumps(outcome, ensure_ascii=False) for bug in BUG), outcome


def test_the_archives_this_module_makes_are_what_it_thinks(workspace: Path) -> None:
    """The good archive reads, the cut one does not (so the fuzzing above meets both)."""
    with zipfile.ZipFile(workspace / "good.zip") as archive:
        assert "manifest.json" in archive.namelist()
    with pytest.raises(zipfile.BadZipFile):
        zipfile.ZipFile(workspace / "cut.zip")
