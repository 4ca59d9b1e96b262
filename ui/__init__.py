"""Pressroom's user interfaces: the ``pressroom`` command line (``ui.cli``) and the Gradio chat (``ui.app``).

Nothing else imports this package; importing it loads nothing heavy.
"""
