"""The optional generative mode, against a local server that speaks the OpenAI API."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from layan.answerbot.services import Answer, answer
from layan.testing.personas import Cast
from layan.testing.ports import free_port

pytestmark = pytest.mark.django_db(transaction=True)


class StubCompletions:
    """POST /v1/chat/completions on loopback; replies with whatever the test sets."""

    def __init__(self) -> None:
        self.reply: str = ""
        self.status = 200
        self.delay = 0.0
        self.requests: list[dict[str, Any]] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                stub.requests.append(
                    {
                        "path": self.path,
                        "auth": self.headers.get("Authorization"),
                        "body": json.loads(self.rfile.read(length)),
                    }
                )
                time.sleep(stub.delay)
                payload = json.dumps(
                    {"choices": [{"index": 0, "message": {"role": "assistant",
                                                          "content": stub.reply}}]}
                ).encode()  # fmt: skip
                self.send_response(stub.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def completions(settings: Any) -> Iterator[StubCompletions]:
    stub = StubCompletions()
    settings.LLM_BASE_URL = stub.url
    settings.LLM_MODEL = "local-model"
    settings.LLM_API_KEY = "sekret"
    settings.LLM_TIMEOUT = 1
    yield stub
    stub.server.shutdown()


QUESTION = "How long does a refund take?"


def test_a_confident_answer_is_written_from_the_passages_with_citations(
    cast: Cast, articles: list[Any], completions: StubCompletions
) -> None:
    completions.reply = "Your refund reaches your bank within 3-7 working days [1]."
    result = answer(question=QUESTION, workspace=cast.workspace)
    assert isinstance(result, Answer)
    assert result.generated is True
    assert result.text == "Your refund reaches your bank within 3-7 working days [1]."
    assert result.passage == "Refunds reach your bank account within 3 to 7 working days."
    [request] = completions.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["auth"] == "Bearer sekret"
    assert request["body"]["model"] == "local-model"
    prompt = request["body"]["messages"][1]["content"]
    assert "[1] How long does a refund take?" in prompt
    assert "Refunds reach your bank account within 3 to 7 working days." in prompt


@pytest.mark.parametrize(
    ("reply", "status", "delay"),
    [
        ("Refunds take a week [1].", 500, 0.0),  # the server fails
        ("Refunds take a week [1].", 200, 1.5),  # too slow
        ("Refunds usually take a week.", 200, 0.0),  # cites nothing: not grounded
        ("Refunds take a week [7].", 200, 0.0),  # cites a passage it was not given
        ("NO_ANSWER", 200, 0.0),
    ],
)
def test_any_failure_falls_back_to_the_extractive_answer(
    cast: Cast,
    articles: list[Any],
    completions: StubCompletions,
    reply: str,
    status: int,
    delay: float,
) -> None:
    completions.reply, completions.status, completions.delay = reply, status, delay
    result = answer(question=QUESTION, workspace=cast.workspace)
    assert isinstance(result, Answer)
    assert result.generated is False
    assert result.text == "Refunds reach your bank account within 3 to 7 working days."


def test_an_unsure_bot_never_asks_the_model(
    cast: Cast, articles: list[Any], completions: StubCompletions
) -> None:
    completions.reply = "Something made up [1]."
    result = answer(question="Do you sell garden furniture in Bali?", workspace=cast.workspace)
    assert not isinstance(result, Answer)
    assert completions.requests == []
