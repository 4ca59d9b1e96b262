"""``ask`` as a LangChain (LCEL) chain of the pipeline's steps: standalone question -> retrieve -> answer -> cite.

>>> chain = build_chain(index, get_answerer(index, "extractive"))                 # doctest: +SKIP
>>> chain.invoke(Question("Who chaired the launch?", k=5)).text                   # doctest: +SKIP
>>> for item in chain.stream(Question("Who chaired the launch?")): print(item)    # doctest: +SKIP

``invoke`` gives the ``Answer``. ``stream`` yields the answer's text in pieces as the answerer
writes it, then the ``Answer``. Both run the same steps (``assistant.steps``); only the answer step
differs, as it must: ``Answerer.answer`` when invoked, ``Answerer.stream`` when streamed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

from langchain_core.runnables import Runnable, RunnableConfig, RunnableLambda

from assistant.answerer import Answerer
from assistant.steps import Drafted, Pipeline, Question
from assistant.types import Answer
from knowledge import Index

In = TypeVar("In")
Out = TypeVar("Out")


def build_chain(index: Index, answerer: Answerer, rerank: bool = True) -> Runnable[Question, Answer]:
    """The chain for one index and answerer (see ``assistant.get_answerer``); ``rerank`` as for ``ask``."""
    steps = Pipeline(index, answerer, rerank)
    # Each step gives a new value that carries what the later ones need. Not a dict that each step
    # adds to with ``RunnablePassthrough.assign``: it runs every step through a thread pool created
    # for the call, which cost more than answering (about 1 ms per step for starting and joining
    # threads, against 2-3 ms for the answerer's work).
    return (
        RunnableLambda(steps.standalone, name="standalone question")
        | RunnableLambda(steps.retrieve, name="retrieve")
        | StreamingStep(steps.answer, steps.answer_stream, name="answer")
        | StreamingStep(steps.cite, _passing_pieces(steps.cite), name="cite")
    )


class StreamingStep(Runnable[In, Out], Generic[In, Out]):
    """A step that gives its output whole when invoked (``whole``), and in pieces when streamed (``pieces``).

    ``RunnableLambda`` cannot: when streamed, it gathers its input before it runs, so the pieces of
    the answer would never reach the reader.
    """

    def __init__(self, whole: Callable[[In], Out], pieces: Callable[[In], Iterator[Any]], name: str) -> None:
        self.whole, self.pieces, self.name = whole, pieces, name

    def invoke(self, input: In, config: RunnableConfig | None = None, **kwargs: Any) -> Out:
        return self._call_with_config(self.whole, input, config)

    def transform(self, input: Iterator[In], config: RunnableConfig | None = None, **kwargs: Any) -> Iterator[Any]:
        # Not through ``_transform_stream_with_config`` (which reports the step to callbacks): once its
        # reader stops early, it reads the rest of its input for the report, which would keep a model
        # writing an answer no one reads. Closing this generator closes the answerer's stream at once.
        for item in input:
            yield from self.pieces(item)

    def stream(self, input: In, config: RunnableConfig | None = None, **kwargs: Any) -> Iterator[Any]:
        return self.transform(iter([input]), config, **kwargs)


def _passing_pieces(cite: Callable[[Drafted], Answer]) -> Callable[[str | Drafted], Iterator[str | Answer]]:
    """The cite step when streamed: text pieces pass on as they come, the ``Drafted`` becomes the ``Answer``."""

    def pieces(item: str | Drafted) -> Iterator[str | Answer]:
        yield item if isinstance(item, str) else cite(item)

    return pieces
