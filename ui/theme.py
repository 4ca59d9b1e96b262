"""How the chat looks: a quiet theme, the page's CSS and the few lines of browser script it needs.

Fonts are Gradio's bundled IBM Plex (served by the app itself: nothing is fetched from the web).
Colours: ink on white and pale grey, one blue for what can be clicked, one yellow for quotes.
"""

from __future__ import annotations

from typing import Any

INK = "#1f2a37"
MUTED = "#5b6776"
BLUE = "#0f5e9c"
BLUE_TINT = "#e8f1f9"
LINE = "#dfe5ec"
PAGE = "#f4f6f9"
HIGHLIGHT = "#fff0b3"
HIGHLIGHT_EDGE = "#e9bf3c"


def build_theme() -> Any:
    """The Gradio theme: Base with a calm blue, slate neutrals and the bundled IBM Plex fonts."""
    import gradio as gr

    return gr.themes.Base(primary_hue="blue", secondary_hue="slate", neutral_hue="slate", radius_size="md").set(
        body_background_fill=PAGE,
        body_text_color=INK,
        block_background_fill="#ffffff",
        block_border_color=LINE,
        block_label_text_color=MUTED,
        block_title_text_color=INK,
        button_primary_background_fill=BLUE,
        button_primary_background_fill_hover="#0b4c7f",
        button_primary_text_color="#ffffff",
        input_background_fill="#ffffff",
        color_accent=BLUE,
        color_accent_soft=BLUE_TINT,
        link_text_color=BLUE,
    )


CSS = f"""
.gradio-container {{ max-width: 1320px !important; margin: 0 auto !important; }}
footer {{ opacity: .7; }}

/* header */
.pr-header {{ display: flex; align-items: baseline; gap: 18px; flex-wrap: wrap; padding: 6px 4px 2px; }}
.pr-brand {{ font-size: 1.45rem; font-weight: 600; color: {INK}; letter-spacing: -.01em; }}
.pr-brand .pr-mark {{ color: {BLUE}; margin-right: 6px; }}
.pr-tagline {{ color: {MUTED}; font-size: .95rem; flex: 1 1 320px; }}
.pr-status {{ color: {MUTED}; font-size: .85rem; background: #fff; border: 1px solid {LINE};
  border-radius: 999px; padding: 3px 12px; white-space: nowrap; }}

/* chat */
#chat {{ border-color: {LINE}; }}
#chat .message-wrap {{ font-size: 1rem; line-height: 1.6; }}
#chat .placeholder {{ padding: 4px 18px 0; }}
#chat .placeholder h3 {{ margin-bottom: 4px; }}
#chat .user-row .message {{ background: {BLUE_TINT}; border-color: #cfe0f1; }}
#chat blockquote {{ border-left: 3px solid {LINE}; margin: 6px 0; padding: 2px 0 2px 12px; color: #3b4654; }}
#question .submit-button {{ background: {BLUE}; color: #fff; font-weight: 500; padding: 0 16px; }}
#question .submit-button:hover {{ background: #0b4c7f; }}
.cite-marker {{ display: inline-block; min-width: 1.35em; padding: 0 .35em; margin: 0 1px; border-radius: 999px;
  background: {BLUE_TINT}; color: {BLUE}; font-size: .72em; font-weight: 600; line-height: 1.5; text-align: center;
  vertical-align: super; cursor: pointer; border: 1px solid #c9dcef; }}
.cite-marker:hover {{ background: {BLUE}; color: #fff; }}
#chat .unsupported {{ text-decoration: underline wavy #d08a1f; text-underline-offset: 3px; }}
#chat .answer-notice {{ color: {MUTED}; font-size: .85rem; }}
#chat .answer-uncertain {{ display: inline-block; color: #7a4b00; background: #fdf3e1; border: 1px solid #efcf94;
  border-radius: 6px; padding: 2px 8px; font-size: .85rem; }}
#question textarea {{ font-size: 1rem; }}
.pr-hint {{ color: {MUTED}; font-size: .8rem; padding: 2px 4px; }}

/* side panel */
#side .tab-nav button, #side [role="tab"] {{ font-weight: 500; }}
.src-question {{ color: {MUTED}; font-size: .85rem; margin: 4px 2px 10px; }}
.src-note {{ color: {INK}; font-size: .9rem; margin: 0 2px 10px; padding: 8px 12px; background: #fbf7ea;
  border: 1px solid #eedfb0; border-radius: 8px; }}
.src-card {{ background: #fff; border: 1px solid {LINE}; border-radius: 10px; padding: 12px 14px 10px; margin: 0 0 12px;
  box-shadow: 0 1px 2px rgba(15, 40, 70, .04); transition: box-shadow .3s, border-color .3s; }}
.src-card.flash {{ border-color: {BLUE}; box-shadow: 0 0 0 3px {BLUE_TINT}; }}
.src-head {{ display: flex; gap: 10px; align-items: flex-start; margin-bottom: 8px; }}
.src-marker {{ flex: none; width: 1.6rem; height: 1.6rem; border-radius: 999px; background: {BLUE}; color: #fff;
  font-size: .8rem; font-weight: 600; display: inline-flex; align-items: center; justify-content: center; }}
.src-marker.near {{ background: #8a97a6; }}
.src-title {{ font-weight: 600; color: {INK}; font-size: .92rem; line-height: 1.35; }}
.src-meta {{ color: {MUTED}; font-size: .78rem; margin-top: 2px; word-break: break-all; }}
.src-address {{ font-size: .78rem; margin-top: 2px; word-break: break-all; }}
.src-address a {{ color: {MUTED}; }}
.src-passage {{ color: #3b4654; font-size: .92rem; line-height: 1.6; margin: 0 0 8px; white-space: pre-line;
  font-family: 'IBM Plex Serif', Georgia, 'Times New Roman', serif; }}
.src-quote, .doc-body mark.focus {{ background: {HIGHLIGHT}; color: {INK}; border-bottom: 2px solid {HIGHLIGHT_EDGE};
  padding: 1px 0; border-radius: 2px; }}
.src-open {{ background: none; border: none; padding: 2px 0; color: {BLUE}; font-size: .85rem; font-weight: 500;
  cursor: pointer; }}
.src-open:hover {{ text-decoration: underline; }}

/* document viewer */
.doc-head {{ padding: 4px 2px 10px; border-bottom: 1px solid {LINE}; margin-bottom: 8px; }}
.doc-title {{ font-weight: 600; font-size: 1rem; color: {INK}; }}
.doc-meta {{ color: {MUTED}; font-size: .8rem; margin-top: 2px; }}
.doc-body {{ position: relative; max-height: max(240px, calc(64vh - 110px)); overflow-y: auto;
  white-space: pre-wrap; overflow-wrap: anywhere;
  font-family: 'IBM Plex Serif', Georgia, 'Times New Roman', serif; font-size: .95rem; line-height: 1.65;
  color: #323d4a; padding: 4px 10px 4px 2px; }}
.doc-page {{ display: block; margin: 14px 0 6px; color: {MUTED}; font-family: inherit; font-size: .75rem;
  text-transform: uppercase; letter-spacing: .06em; border-top: 1px dashed {LINE}; padding-top: 6px; }}
.doc-gap {{ color: {MUTED}; font-style: italic; font-size: .85rem; margin: 6px 0; }}

/* library */
.lib-summary {{ color: {MUTED}; font-size: .85rem; margin: 2px 2px 8px; }}
#library table.lib-table {{ width: 100%; border-collapse: collapse; font-size: .88rem; border: none; margin: 0 0 6px; }}
#library .lib-table th {{ text-align: left; color: {MUTED}; font-weight: 500; font-size: .78rem; border: none;
  border-bottom: 1px solid {LINE}; padding: 6px 8px; background: none; }}
#library .lib-table tr, #library .lib-table thead, #library .lib-table tbody {{ border: none; }}
#library .lib-table td {{ border: none; border-bottom: 1px solid #edf1f5; padding: 8px; vertical-align: top;
  background: none; }}
.lib-title {{ color: {INK}; font-weight: 500; line-height: 1.35; }}
.lib-id {{ color: {MUTED}; font-size: .75rem; word-break: break-all; }}
.lib-num {{ text-align: right; white-space: nowrap; }}
.lib-when {{ color: {MUTED}; white-space: nowrap; }}

#remove-row {{ align-items: flex-end; }}
#confirm-row {{ align-items: center; background: #fdf6ec; border: 1px solid #f0dcc0; border-radius: 8px;
  padding: 6px 10px; }}
#confirm-row .notice {{ background: none; padding: 0; margin: 0; }}

/* messages and empty states */
.notice {{ border-radius: 8px; padding: 8px 12px; font-size: .9rem; margin: 4px 0; }}
.notice-info {{ background: {BLUE_TINT}; color: {INK}; }}
.notice-ok {{ background: #e9f5ee; color: #1d5b38; border: 1px solid #c7e4d2; }}
.notice-error {{ background: #fdf0ef; color: #8a2c22; border: 1px solid #f2cdc8; }}
.empty-panel {{ color: {MUTED}; text-align: center; padding: 40px 20px; font-size: .92rem; line-height: 1.5; }}
.empty-title {{ color: {INK}; font-weight: 600; margin-bottom: 4px; }}
"""

# Runs once per page: a click on an answer's [n] badge brings its source card into view.
PAGE_SCRIPT = """
() => {
  document.addEventListener('click', (event) => {
    const badge = event.target.closest && event.target.closest('.cite-marker');
    if (!badge) return;
    setTimeout(() => {
      const card = document.querySelector(`#sources .src-card[data-marker="${badge.textContent.trim()}"]`);
      if (!card) return;
      card.scrollIntoView({block: 'nearest', behavior: 'smooth'});
      card.classList.add('flash');
      setTimeout(() => card.classList.remove('flash'), 1400);
    }, 350);
  });
}
"""

# The Sources panel: its "read it in the document" buttons raise the open_document event.
SOURCES_SCRIPT = """
element.addEventListener('click', (event) => {
  const button = event.target.closest('button[data-open]');
  if (!button) return;
  trigger('open_document', {source: button.dataset.source, start: Number(button.dataset.start),
                            end: Number(button.dataset.end)});
});
"""

# The document viewer: scroll the highlighted quote to a third of the way down, once the panel
# is visible (it may still be hidden while its tab opens, when nothing has a height yet).
VIEWER_SCRIPT = """
const focusQuote = (attempt = 0) => {
  const body = element.querySelector('.doc-body');
  const mark = element.querySelector('mark.focus');
  if (!body || !mark) return;
  if (body.clientHeight === 0) { if (attempt < 40) setTimeout(() => focusQuote(attempt + 1), 50); return; }
  body.scrollTop = Math.max(0, mark.offsetTop - body.clientHeight / 3);
};
focusQuote();
watch('value', () => focusQuote());
"""
