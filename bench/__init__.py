"""Pressroom's benchmarks: every figure is printed beside a floor measured in the same run.

Run them all with ``make bench`` (or ``python -m bench``); ``python -m bench --only warm scale``
runs a subset. Results go to ``bench/results/`` as JSON and a Markdown table (that folder is not
versioned). Nothing here asserts on time: the ratios are read by people, not by tests.

====================  ===============================================================
module                measures
====================  ===============================================================
``bench.warm``        warm ``ask()`` on the release, and the textbook LangChain recipe
``bench.ingest``      ingest throughput, re-ingest of an unchanged 1,000-document corpus
``bench.scale``       warm ``ask()`` and retrieval at 1k, 10k and 100k chunks
``bench.process``     cold start of ``pressroom ask``, ``pressroom --help``, peak memory
====================  ===============================================================

``bench.chroma_server`` starts a real Chroma server (``chroma run``) for a benchmark; the tests of
Pressroom against a server use it too.
"""
