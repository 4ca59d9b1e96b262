"""The Gradio chat: answers beside the exact sentences they come from.

Layout: the conversation on the left; on the right, tabs for the Sources of the selected answer,
the Document viewer, the Library of indexed documents, and per-session Settings. A named API
endpoint ``/ask`` returns an answer and its citations as JSON::

    from gradio_client import Client
    answer = Client("http://127.0.0.1:7860/").predict("When was the plan launched?", api_name="/ask")
    print(answer["text"], answer["citations"][0]["quote"])

The logic lives in ``ui.chat`` (conversation), ``ui.library`` (documents), ``ui.render`` (escaped
markup) and ``ui.feedback`` (votes); this module only lays out components and wires events.
"""

from __future__ import annotations

import html
import sys
from collections.abc import Iterator
from typing import Any

import gradio as gr  # only the chat imports this module, so `pressroom --help` stays fast

from knowledge.index import Index
from ui.auth import AUTH_VARIABLE, is_loopback, logins_from_env
from ui.chat import Conversation, Turn, turn_position
from ui.library import Library, progress_reporter
from ui.render import empty_panel, notice
from ui.theme import CSS, PAGE_SCRIPT, SOURCES_SCRIPT, VIEWER_SCRIPT, build_theme

EXAMPLES = (
    "When was the plan launched?",
    "Who chaired the launch ceremony?",
    "Which agencies supported the drafting of the plan?",
    "What are the four priority areas?",
)
WELCOME = (
    "### Ask about your documents\n"
    "Every answer quotes the passages it comes from; the quoted sentence is highlighted under **Sources**. "
    "Try one of these:"
)
ANSWERER_LABELS = {  # names a person understands; an answerer not listed here shows its own name
    "extractive": "Extractive: quotes the sentence that answers, word for word",
    "llm": "Language model: writes the answer, each sentence checked against its sources",
}
UPLOAD_TYPES = None  # any file: the readers tell text from binary by content ("LICENSE", "notes.log")
MAX_UPLOAD = "200mb"  # the same limit the readers enforce
MAX_K_IN_UI = 20


def header(summary: str = "") -> str:
    """The page's title line, with what is indexed ("1 document · 16 passages") once known."""
    status = f'<div class="pr-status" id="index-status">{html.escape(summary)}</div>' if summary else ""
    return (
        '<header class="pr-header"><div class="pr-brand"><span class="pr-mark">¶</span>Pressroom</div>'
        f'<div class="pr-tagline">Answers from your documents, with the exact sentences they come from.</div>{status}</header>'
    )


def answerer_names() -> list[str]:
    """Every registered answerer, so a new one (an LLM) shows up in Settings without UI changes."""
    from assistant import ANSWERERS

    return sorted(ANSWERERS)


def build_app(index: Index | None = None, stream_delay: float | None = None, private_addresses: bool = True) -> Any:
    """The chat as a ``gr.Blocks`` app over ``index`` (default: the index under ``PRESSROOM_HOME``).

    ``private_addresses=False`` keeps the Library from fetching pages on this machine or its network
    (for a chat served to other machines).
    """
    from knowledge import default_index

    index = index or default_index()
    conversation = Conversation(index) if stream_delay is None else Conversation(index, stream_delay=stream_delay)
    library = Library(index, private_addresses=private_addresses)
    names = answerer_names()

    # ---- event handlers (each turns every failure into a message; none raises) -----------------

    def ask_in_chat(
        question: object, turns: list[Turn], k: object, answerer: object, rerank: object = True
    ) -> Iterator[tuple[Any, ...]]:
        # The values as sent (preprocess=False below): respond() checks them with the command line's messages.
        for step in conversation.respond(question, turns, k, answerer, rerank is not False):
            yield (
                step.messages,
                "",
                step.turns,
                step.sources if step.sources is not None else gr.skip(),
                gr.Tabs(selected="sources") if step.sources is not None else gr.skip(),
            )

    def use_example(event: gr.SelectData) -> str:
        value = event.value
        return str(value.get("text", "")) if isinstance(value, dict) else str(value or "")

    def show_sources_of(turns: list[Turn], event: gr.SelectData) -> tuple[Any, Any]:
        position = turn_position(turns, event.index)
        if position is None:
            return gr.skip(), gr.skip()
        return conversation.sources_for(turns[position]), gr.Tabs(selected="sources")

    def open_document(event: gr.EventData) -> tuple[str, Any]:
        data = event._data if isinstance(event._data, dict) else {}
        view = conversation.open_document(data.get("source"), data.get("start"), data.get("end"))
        return view, gr.Tabs(selected="document")

    def vote(turns: list[Turn], event: gr.LikeData) -> None:
        saved, message = conversation.vote(turns, event.index, event.liked)
        (gr.Info if saved else gr.Warning)(message)

    def new_conversation() -> tuple[list[Turn], str]:
        return [], conversation.sources_for(None)

    def refresh_library() -> tuple[str, Any, str]:
        return library.table(), gr.Dropdown(choices=library.choices(), value=None), header(library.summary())

    def add_documents(files: list[str] | None, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:
        outcome = library.add(files, progress=progress_reporter(progress))
        return (outcome.html(), *refresh_library(), None)

    def add_page(address: str, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:
        outcome = library.add_address(address, progress=progress_reporter(progress))
        return (outcome.html(), *refresh_library(), "" if outcome.ok else address)

    def confirm_removal(source: str | None) -> tuple[Any, Any, str]:
        if not source:
            return gr.Row(visible=False), "", notice("Choose a document to remove first.", "error")
        question = f"Remove “{library.title_of(source)}” from the index? Its passages will no longer be searched."
        return gr.Row(visible=True), notice(question), ""

    def remove_document(source: str | None) -> tuple[Any, ...]:
        outcome = library.remove(source)
        return (outcome.html(), *refresh_library(), gr.Row(visible=False))

    # Three parameters, as before the cross-encoder: a raw REST call must send every parameter, so a
    # fourth would break the scripts that call /ask. Reranking is turned off from Python or the CLI.
    def api_ask(question: str, k: int = 5, answerer: str = "extractive") -> dict[str, Any]:
        """Answer a question from the indexed documents. Returns the answer as JSON: `text` with [n]
        markers, `citations` (marker, source, title, quote, start, end, page), `passages`, `abstained`,
        `confidence` (0-1, or null) and, for an uncertain answer, the runner-up sentence (`alternative`)."""
        from assistant import ask

        try:  # ask() checks every argument as it comes (assistant.inputs): the command line's messages
            return ask(question, k=k, answerer=answerer, index=index).as_dict()
        except Exception as error:
            from ui.failures import explain

            # The caller gets the one-line message; unexpected errors were logged by explain().
            raise gr.Error(explain(error, index.settings.home), print_exception=False) from None

    # ---- layout ------------------------------------------------------------------------------

    with gr.Blocks(title="Pressroom", analytics_enabled=False) as app:
        turns = gr.State([])
        banner = gr.HTML(header(), elem_id="banner", js_on_load=None)
        with gr.Row(equal_height=False):
            with gr.Column(scale=7, min_width=420):
                chatbot = gr.Chatbot(
                    elem_id="chat",
                    show_label=False,
                    height="64vh",
                    min_height=420,
                    placeholder=WELCOME,
                    examples=[{"text": question} for question in EXAMPLES],
                    buttons=["copy"],  # no "share": it would post to the Hugging Face hub
                    latex_delimiters=[],  # "$$" in a document is text, not maths
                    feedback_options=("Like", "Dislike"),
                    autoscroll=True,
                )
                box = gr.Textbox(
                    elem_id="question",
                    show_label=False,
                    placeholder="Ask a question about your documents…",
                    submit_btn="Ask",
                    lines=1,
                    max_lines=6,
                    autofocus=True,
                )
                gr.HTML(
                    '<div class="pr-hint">Answers only quote the indexed documents. Follow-up questions '
                    "use the conversation so far. Rate an answer with the thumbs to help improve Pressroom.</div>",
                    js_on_load=None,
                )
            with gr.Column(scale=5, min_width=360, elem_id="side"):
                with gr.Tabs(selected="sources") as tabs:
                    with gr.Tab("Sources", id="sources"):
                        sources = gr.HTML(
                            conversation.sources_for(None),
                            elem_id="sources",
                            js_on_load=SOURCES_SCRIPT,
                            max_height="calc(64vh + 40px)",
                        )
                    with gr.Tab("Document", id="document", render_children=True):
                        viewer = gr.HTML(
                            empty_panel(
                                "No document open", "Choose “Read it in the document” on a source to read it here."
                            ),
                            elem_id="viewer",
                            js_on_load=VIEWER_SCRIPT,
                        )
                    with gr.Tab("Library", id="library"):
                        table = gr.HTML(elem_id="library", js_on_load=None)
                        upload = gr.File(
                            label="Add documents: text files of any name, Markdown, HTML, PDF, Word .docx; "
                            "a file with the same name replaces its earlier version",
                            file_count="multiple",
                            file_types=UPLOAD_TYPES,
                            type="filepath",
                            height=130,
                            elem_id="upload",
                        )
                        page = gr.Textbox(
                            label="Add a web page", placeholder="https://…", submit_btn="Add page", lines=1, max_lines=1,
                            elem_id="page-address", info="Its article text is kept, not its menus; adding it again updates it.",
                        )  # fmt: skip
                        status = gr.HTML(elem_id="library-status", js_on_load=None)
                        with gr.Row(equal_height=False, elem_id="remove-row"):
                            doomed = gr.Dropdown(
                                label="Remove a document", choices=[], value=None, scale=4, elem_id="remove-choice"
                            )
                            remove = gr.Button("Remove…", variant="secondary", size="md", scale=0, min_width=110)
                        with gr.Row(visible=False, equal_height=False, elem_id="confirm-row") as confirm_row:
                            confirm_text = gr.HTML(js_on_load=None, scale=3)
                            really = gr.Button("Remove", variant="stop", size="sm", scale=0, min_width=90)
                            cancel = gr.Button("Keep it", variant="secondary", size="sm", scale=0, min_width=90)
                    with gr.Tab("Settings", id="settings"):
                        k = gr.Slider(
                            1, MAX_K_IN_UI, value=5, step=1, label="Passages to search", elem_id="passages",
                            info="More passages find more, but answers may wander. Kept for this browser session only.",
                        )  # fmt: skip
                        answerer = gr.Dropdown(
                            choices=[(ANSWERER_LABELS.get(name, name), name) for name in names],
                            value="extractive" if "extractive" in names else names[0],
                            label="Answerer",
                            elem_id="answerer",
                            interactive=len(names) > 1,
                            info="How answers are written; every quote is checked against the documents. "
                            + (
                                "Kept for this browser session only."
                                if len(names) > 1
                                else "Other answerers appear here once installed."
                            ),
                        )
                        rerank = gr.Checkbox(
                            value=True, label="Rerank with the cross-encoder", elem_id="rerank",
                            info="Reads each candidate sentence with the question: better answers, about half a second more. "
                            "Turn it off to compare with the plain ranking.",
                        )  # fmt: skip

        # ---- events ----------------------------------------------------------------------------
        # The checkbox's value reaches the chat through session state, which is no API parameter: the
        # /chat endpoint keeps its three (question, k, answerer), as scripts send them.
        reranking = gr.State(True)
        rerank.change(lambda value: value is not False, rerank, reranking, api_visibility="private")
        chat_outputs = [chatbot, box, turns, sources, tabs]
        # preprocess=False: the question, k and answerer reach respond() as sent, so that a script's bad
        # value gets Pressroom's message ("k must be a whole number ..."), not the slider's or the menu's.
        box.submit(
            ask_in_chat, [box, turns, k, answerer, reranking], chat_outputs,
            api_name="chat", api_visibility="undocumented", concurrency_limit=2, preprocess=False,
        )  # fmt: skip
        chatbot.example_select(use_example, None, box, api_visibility="private").then(
            ask_in_chat,
            [box, turns, k, answerer, reranking],
            chat_outputs,
            api_visibility="private",
            concurrency_limit=2,
            preprocess=False,
        )
        chatbot.select(show_sources_of, turns, [sources, tabs], api_visibility="private")
        chatbot.like(vote, turns, None, api_visibility="private")
        chatbot.clear(new_conversation, None, [turns, sources], api_visibility="private")
        sources.open_document(open_document, None, [viewer, tabs], api_visibility="private")
        library_outputs = [table, doomed, banner]
        upload.upload(
            add_documents, upload, [status, *library_outputs, upload],
            api_name="add_documents", api_visibility="undocumented",  # scripts and tests can upload too
        )  # fmt: skip
        page.submit(
            add_page, page, [status, *library_outputs, page],
            api_name="add_page", api_visibility="undocumented",  # scripts and tests can add pages too
        )  # fmt: skip
        remove.click(confirm_removal, doomed, [confirm_row, confirm_text, status], api_visibility="private")
        really.click(remove_document, doomed, [status, *library_outputs, confirm_row], api_visibility="private")
        cancel.click(lambda: gr.Row(visible=False), None, confirm_row, api_visibility="private")
        app.load(refresh_library, None, library_outputs, api_visibility="private")
        gr.api(api_ask, api_name="ask")
    return app


def launch_options(host: str, port: int, share: bool) -> dict[str, Any]:
    """``launch()`` arguments with safe defaults: login from ``PRESSROOM_AUTH``, no share link,
    no telemetry or monitoring endpoint, uploads capped, the bundled theme and styles."""
    logins = logins_from_env()
    return {
        "server_name": host,
        "server_port": port,
        "share": bool(share),
        "auth": logins,
        "auth_message": "Pressroom: sign in with the account you were given." if logins else None,
        "max_file_size": MAX_UPLOAD,
        "enable_monitoring": False,
        "footer_links": ["api"],
        "run_history": False,  # answers stay out of the browser's storage
        "theme": build_theme(),
        "css": CSS,
        "js": PAGE_SCRIPT,
        "show_error": False,
        "quiet": True,
        "app_kwargs": {
            "openapi_url": None,
            "docs_url": None,
            "redoc_url": None,
        },  # no route list for people without the login
    }


def serve(host: str = "127.0.0.1", port: int = 7860, share: bool = False) -> None:
    """Index the bundled release if needed, then serve the chat on ``host:port`` until Ctrl+C."""
    from knowledge import default_index
    from knowledge.errors import ConfigError

    index = default_index()
    index.ensure_default()
    index.embedder.warm_up()  # load the model now, so the first question is answered at once
    options = launch_options(host, port, share)
    if not is_loopback(host) and not options["auth"]:
        print(
            f"warning: serving on {host} without a login; set {AUTH_VARIABLE}=user:password to require one.",
            file=sys.stderr,
        )
    # Served to others (another address, or a public share link): no fetching of this machine's neighbours.
    app = build_app(index, private_addresses=is_loopback(host) and not share).queue(default_concurrency_limit=1)
    try:
        app.launch(prevent_thread_lock=True, **options)
    except OSError as error:  # Gradio's "Cannot find empty port", or an address this machine lacks
        raise ConfigError(
            f"Cannot serve on {host}:{port} ({error.strerror or 'port in use'}); choose another --port or --host."
        ) from None
    login = f" (login required: {AUTH_VARIABLE})" if options["auth"] else ""
    print(f"Pressroom is running on http://{host}:{port}{login}; press Ctrl+C to stop.", flush=True)
    app.block_thread()  # until Ctrl+C, which closes the server
