"""The Gradio chat: answers with their cited passages. (A first version; the chat issue grows it.)"""

from __future__ import annotations

import html
from typing import Any


def render_sources(answer: Any) -> str:
    """Citations as escaped HTML: document text never becomes live markup."""
    cards = []
    for citation in answer.citations:
        cards.append(
            f"<div class='source'><b>[{citation.marker}] {html.escape(citation.title)}</b>"
            f"<blockquote>{html.escape(' '.join(citation.quote.split()))}</blockquote></div>"
        )
    return "".join(cards) or "<p>No citations.</p>"


def build_app() -> Any:
    import gradio as gr

    from assistant import ask
    from knowledge.errors import PressroomError

    def respond(message: str, history: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], str, str]:
        try:
            answer = ask(message, history=history)
            reply, sources = answer.text, render_sources(answer)
        except PressroomError as error:
            reply, sources = str(error), ""
        history = [*history, {"role": "user", "content": message}, {"role": "assistant", "content": reply}]
        return history, "", sources

    with gr.Blocks(title="Pressroom") as app:
        gr.Markdown("# Pressroom\nAsk about the indexed press releases; every answer quotes its source.")
        chatbot = gr.Chatbot(label="Conversation")
        box = gr.Textbox(placeholder="When was the plan launched?", label="Question")
        sources = gr.HTML()
        box.submit(respond, [box, chatbot], [chatbot, box, sources], api_name="ask")
    return app


def serve(host: str = "127.0.0.1", port: int = 7860, share: bool = False) -> None:
    """Index the bundled release if needed, then serve the chat on ``host:port``."""
    from knowledge import default_index

    default_index().ensure_default()
    build_app().launch(server_name=host, server_port=port, share=share)
