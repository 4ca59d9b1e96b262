"""A load generator for the chat server's ``/ask`` API: N clients, each asking in a loop, for S seconds.

    python -m tests.reliability.load --url http://127.0.0.1:7860/ --clients 16 --seconds 60

Each client is a ``gradio_client.Client``, as the README tells scripts to use, in its own thread;
it asks the next question as soon as it has an answer. Prints one JSON object: every request's
start (seconds from the start of the run) and latency, and every failure with its message.
It runs in its own process so that its threads never share the test's (warnings are errors there).
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from typing import Any

QUESTIONS = (
    "When was the plan launched?",
    "Who chaired the launch ceremony?",
    "Which agencies supported the drafting of the plan?",
    "What are the four priority areas?",
    "How long does the national action plan run?",
    "What is the capital of Australia?",  # not in the release: an abstention
    "Who funded the project?",
    "Where did the launch take place?",
)


def client_loop(
    url: str, number: int, deadline: float, started: float, results: list[dict[str, Any]], lock: threading.Lock
) -> None:
    from gradio_client import Client

    try:
        client = Client(url, verbose=False)
    except Exception as error:  # noqa: BLE001 - gradio_client's errors are undocumented: counted as a failed request
        with lock:
            results.append(
                {"client": number, "start": time.monotonic() - started, "seconds": 0.0, "error": f"connect: {error!r}"}
            )
        return
    asked = 0
    try:
        while time.monotonic() < deadline:
            question = QUESTIONS[(number + asked) % len(QUESTIONS)]
            begin = time.monotonic()
            entry: dict[str, Any] = {"client": number, "start": round(begin - started, 4)}
            try:
                answer = client.predict(question, api_name="/ask")
                if not isinstance(answer, dict) or not answer.get("text"):
                    entry["error"] = f"no answer text: {str(answer)[:200]}"
            except Exception as error:  # noqa: BLE001 - gradio_client's errors are undocumented: a failed request
                entry["error"] = repr(error)[:300]
            entry["seconds"] = round(time.monotonic() - begin, 4)
            with lock:
                results.append(entry)
            asked += 1
    finally:
        client.close()


def run(url: str, clients: int, seconds: float) -> dict[str, Any]:
    results: list[dict[str, Any]] = []
    lock = threading.Lock()
    started = time.monotonic()
    deadline = started + seconds
    threads = [
        threading.Thread(target=client_loop, args=(url, number, deadline, started, results, lock), daemon=True)
        for number in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    stuck = sum(thread.is_alive() for thread in threads)
    return {
        "clients": clients,
        "seconds": round(time.monotonic() - started, 2),
        "requests": results,
        "stuck_clients": stuck,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    print(json.dumps(run(args.url, args.clients, args.seconds)))


if __name__ == "__main__":
    main()
