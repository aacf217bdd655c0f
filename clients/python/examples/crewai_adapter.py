"""Forward CrewAI's event bus into Auren events.

CrewAI emits typed events on ``crewai_event_bus`` (crews, agents, tasks, tools, LLM calls and, in
newer releases, memory). This listener maps them to Auren's types so a crew shows up live in the
dashboards: agent executions are ``agent.step`` events (one reasoning chain per crew kickoff,
linked by span ids), agent reasoning plans ``agent.thought``, tool uses ``tool.call``, LLM calls ``llm.call`` with model and usage, memory
saves and queries ``memory.formed`` / ``memory.recalled``; failures become critical
``*.error`` / ``*.failed`` events.

    from auren_client import AurenClient
    from crewai_adapter import AurenCrewAIListener

    auren = AurenClient("http://127.0.0.1:8080", api_key="...")
    listener = AurenCrewAIListener(auren)   # registers itself on CrewAI's event bus
    crew.kickoff()
    auren.close()

The module imports without CrewAI installed (the listener then works with any bus that offers
CrewAI's ``bus.on(EventClass)`` decorator, and ``forward(event)`` takes events directly). Events are
recognised by class name, so the adapter works across CrewAI's module moves
(``crewai.utilities.events`` → ``crewai.events``).
"""

import threading
import time
import uuid

try:  # CrewAI >= 0.177
    from crewai.events import BaseEventListener as _Base  # type: ignore
except ImportError:  # pragma: no cover - depends on the installed CrewAI
    try:
        from crewai.utilities.events.base_event_listener import BaseEventListener as _Base  # type: ignore
    except ImportError:
        _Base = object

# CrewAI event class name -> (Auren type, what to record). "start" marks only remember a time.
EVENT_TYPES = {
    "CrewKickoffStartedEvent": "crew.started",
    "CrewKickoffCompletedEvent": "crew.completed",
    "CrewKickoffFailedEvent": "crew.failed",
    "AgentExecutionStartedEvent": "agent.step",
    "AgentExecutionCompletedEvent": "agent.step",
    "AgentExecutionErrorEvent": "agent.error",
    "AgentReasoningCompletedEvent": "agent.thought",
    "AgentReasoningFailedEvent": "agent.error",
    "TaskStartedEvent": "task.started",
    "TaskCompletedEvent": "task.completed",
    "TaskFailedEvent": "task.failed",
    "ToolUsageStartedEvent": None,
    "ToolUsageFinishedEvent": "tool.call",
    "ToolUsageErrorEvent": "tool.error",
    "LLMCallStartedEvent": None,
    "LLMCallCompletedEvent": "llm.call",
    "LLMCallFailedEvent": "llm.error",
    "MemorySaveCompletedEvent": "memory.formed",
    "MemoryQueryCompletedEvent": "memory.recalled",
    "MemorySaveFailedEvent": "memory.error",
    "MemoryQueryFailedEvent": "memory.error",
}

_TEXT_LIMIT = 2000


def _text(value, limit=_TEXT_LIMIT):
    if value is None:
        return None
    s = value if isinstance(value, str) else str(getattr(value, "raw", value))
    return s if len(s) <= limit else s[:limit] + "…"


def _name(obj, *attrs):
    for a in attrs:
        v = getattr(obj, a, None) if obj is not None else None
        if v:
            return str(v)[:128]
    return None


class CrewAIForwarder(object):
    """Maps CrewAI events to Auren events and emits them (no CrewAI import needed)."""

    def __init__(self, client, session_id=None):
        self.client = client
        self.session_id = session_id
        self._lock = threading.Lock()
        self._trace = None
        self._crew_span = None
        self._agent_spans = {}
        self._started = {}

    def forward(self, event, source=None):
        kind = type(event).__name__
        if kind not in EVENT_TYPES:
            return None
        try:
            return self._forward(kind, event)
        except Exception as err:  # a telemetry bug must never break the crew
            self.client.emit({"type": "adapter.error", "data": {"event": kind, "error": str(err)[:500]}})
            return None

    def _forward(self, kind, event):
        with self._lock:
            if kind == "CrewKickoffStartedEvent" or self._trace is None:
                self._trace, self._crew_span = uuid.uuid4().hex, uuid.uuid4().hex[:16]
                self._agent_spans.clear()
            agent = getattr(event, "agent", None)
            agent_id = _name(agent, "role", "id") or _name(event, "agent_role")
            # Tool and LLM calls report start and end separately: pair them to get a duration.
            family = "tool" if kind.startswith("ToolUsage") else "llm" if kind.startswith("LLMCall") else None
            key = (family, agent_id, getattr(event, "tool_name", None))
            if kind in ("ToolUsageStartedEvent", "LLMCallStartedEvent"):
                self._started[key] = time.time()
                return None
            started = self._started.pop(key, None) if family else None
            if kind == "AgentExecutionStartedEvent":
                self._agent_spans[agent_id] = uuid.uuid4().hex[:16]
            execution = kind.startswith("AgentExecution")
            span = self._agent_spans.get(agent_id) if execution else uuid.uuid4().hex[:16]
            parent = self._crew_span if execution or kind.startswith("Task") else self._agent_spans.get(agent_id, self._crew_span)
        ev = {"type": EVENT_TYPES[kind], "trace_id": self._trace, "span_id": span or uuid.uuid4().hex[:16], "data": {"crewai_event": kind}}
        if kind.startswith("Crew"):
            ev["span_id"], parent = self._crew_span, None
        if parent and parent != ev["span_id"]:
            ev["parent_span_id"] = parent
        if agent_id:
            ev["agent_id"] = agent_id
        if self.session_id:
            ev["session_id"] = self.session_id
        data = ev["data"]
        if started is not None:
            data["duration_ms"] = int((time.time() - started) * 1000)
        task = getattr(event, "task", None)
        if task is not None:
            data["task"] = _text(getattr(task, "description", task), 500)
        for field in ("crew_name", "tool_name", "from_cache", "run_attempts", "call_type", "query", "memory_type"):
            v = getattr(event, field, None)
            if v is not None:
                data[field] = v if isinstance(v, (bool, int, float)) else _text(v, 500)
        if kind == "AgentExecutionStartedEvent":
            data.update(phase="started", text=_text(getattr(event, "task_prompt", None)))
        elif kind == "AgentExecutionCompletedEvent":
            data.update(phase="completed", text=_text(getattr(event, "output", None)))
        elif kind == "AgentReasoningCompletedEvent":
            data["text"] = _text(getattr(event, "plan", None))
            data["ready"] = bool(getattr(event, "ready", False))
        elif kind == "ToolUsageFinishedEvent":
            data["output"] = _text(getattr(event, "output", None))
            data["tool_args"] = _text(getattr(event, "tool_args", None), 500)
        elif kind == "LLMCallCompletedEvent":
            self._llm_fields(event, ev)
        elif kind in ("MemorySaveCompletedEvent", "MemoryQueryCompletedEvent"):
            data.setdefault("memory_type", _text(getattr(event, "source_type", None) or "crewai", 100))
            data["text"] = _text(getattr(event, "value", None) or getattr(event, "results", None))
        elif kind in ("TaskCompletedEvent", "CrewKickoffCompletedEvent"):
            data["output"] = _text(getattr(event, "output", None))
        err = getattr(event, "error", None)
        if err is not None:
            data["error"] = _text(err, 1000)
        return self.client.emit(ev)

    @staticmethod
    def _llm_fields(event, ev):
        model = getattr(event, "model", None)
        response = getattr(event, "response", None)
        usage = getattr(event, "usage", None) or getattr(response, "usage", None)
        if isinstance(usage, dict):
            get = usage.get
        else:
            def get(k, _u=usage):
                return getattr(_u, k, None)
        model = model or getattr(response, "model", None)
        if model:
            ev["model"] = str(model)[:128]
        inp, out = get("prompt_tokens") or get("input_tokens"), get("completion_tokens") or get("output_tokens")
        details = get("prompt_tokens_details")
        cached = get("cache_read_input_tokens") or (details.get("cached_tokens") if isinstance(details, dict) else getattr(details, "cached_tokens", None))
        if isinstance(inp, int) or isinstance(out, int):
            u = {}
            if isinstance(inp, int):
                u["input_tokens"] = inp
            if isinstance(out, int):
                u["output_tokens"] = out
            if isinstance(cached, int) and cached > 0:
                u["cache_read_tokens"] = cached
                u["input_tokens"] = max(u.get("input_tokens", 0), cached)
            ev["usage"] = u
        ev["data"]["response"] = _text(response if isinstance(response, str) else getattr(response, "content", response), 1000)


class AurenCrewAIListener(_Base):
    """A CrewAI event listener (BaseEventListener subclass when CrewAI is installed)."""

    def __init__(self, client, session_id=None, bus=None):
        self.forwarder = CrewAIForwarder(client, session_id)
        if _Base is not object:
            super(AurenCrewAIListener, self).__init__()  # registers on crewai_event_bus
        elif bus is not None:
            self.setup_listeners(bus)

    def setup_listeners(self, crewai_event_bus):
        classes = _event_classes()
        for name in EVENT_TYPES:
            cls = classes.get(name)
            if cls is None:
                continue
            crewai_event_bus.on(cls)(self._handler)

    def _handler(self, source, event):
        self.forwarder.forward(event, source)


def _event_classes():
    """CrewAI's event classes by name, from whichever module this CrewAI version keeps them in."""
    found = {}
    for module in ("crewai.events", "crewai.utilities.events"):
        try:
            mod = __import__(module, fromlist=["*"])
        except ImportError:
            continue
        for name in EVENT_TYPES:
            if name not in found and hasattr(mod, name):
                found[name] = getattr(mod, name)
    return found
