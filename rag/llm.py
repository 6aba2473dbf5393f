"""The one LLM path: the openai client pointed at vLLM's OpenAI-compatible server.
vLLM applies the model's own chat template; we only send role/content messages."""

from collections.abc import Iterator
from typing import Protocol

from openai import OpenAI, OpenAIError, Timeout

from ingest.settings import Settings

Message = dict[str, str]


class ChatModel(Protocol):
    """What answering needs from a chat model (the LLM below, or a scripted fake in tests)."""

    def stream(self, messages: list[Message]) -> Iterator[str]: ...

    def complete(self, messages: list[Message]) -> str: ...


class LLM:
    """A chat model behind an OpenAI-compatible endpoint, streamed."""

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str = "EMPTY",
        connect_timeout: float = 3.0,
        timeout: float = 120.0,
        max_tokens: int = 768,
        temperature: float = 0.1,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"llm_base_url must be an http(s) URL, got {base_url!r}")
        self.model, self.max_tokens, self.temperature = model, max_tokens, temperature
        self.client = OpenAI(
            base_url=base_url,
            api_key=api_key or "EMPTY",
            timeout=Timeout(timeout, connect=connect_timeout),
            max_retries=0,  # a dead server should fall back at once, not after retries
        )

    def stream(self, messages: list[Message]) -> Iterator[str]:
        """The reply, piece by piece; raises the client's errors (connection, timeout, HTTP)."""
        response = self.client.chat.completions.create(
            model=self.model,
            messages=messages,  # type: ignore[arg-type]
            stream=True,
            max_tokens=self.max_tokens,
            temperature=self.temperature,
        )
        for event in response:
            choices = getattr(event, "choices", None)
            if choices and choices[0].delta.content:
                yield choices[0].delta.content

    def complete(self, messages: list[Message]) -> str:
        return "".join(self.stream(messages))


def reachable(llm: LLM) -> bool:
    """Whether the server answers at all (it lists its models)."""
    try:
        llm.client.models.list()
    except (OpenAIError, OSError):
        return False
    return True


def make_llm(settings: Settings) -> LLM | None:
    """The LLM named in settings, or None when no base URL is set (extractive answers only)."""
    if not settings.llm_base_url.strip():
        return None
    return LLM(
        settings.llm_base_url.strip(),
        settings.llm_model,
        settings.llm_api_key,
        settings.llm_connect_timeout,
        settings.llm_timeout,
        settings.llm_max_tokens,
        settings.llm_temperature,
    )
