"""Drives the CrewAI adapter with stand-ins named like CrewAI's event classes (CrewAI itself is
not installable here) through a bus with CrewAI's ``on(EventClass)`` decorator API."""
import json
import sys

import _path  # noqa: F401
import crewai_adapter
from auren_client import AurenClient


class Bus(object):
    def __init__(self):
        self.handlers = {}

    def on(self, cls):
        def register(fn):
            self.handlers.setdefault(cls, []).append(fn)
            return fn
        return register

    def emit(self, source, event):
        for fn in self.handlers.get(type(event), []):
            fn(source, event)


def event_class(name):
    def init(self, **kw):
        self.__dict__.update(kw)
    return type(name, (object,), {"__init__": init})


classes = {name: event_class(name) for name in crewai_adapter.EVENT_TYPES}
crewai_adapter._event_classes = lambda: classes  # what the installed CrewAI would provide


class Agent(object):
    def __init__(self, role):
        self.role = role


class Task(object):
    description = "Find three sources on agent observability"


class Usage(object):
    prompt_tokens, completion_tokens, cache_read_input_tokens = 900, 120, 600


class Response(object):
    model, usage, content = "gpt-4o-mini", Usage(), "Here are the sources"


bus = Bus()
with AurenClient(sys.argv[1], flush_interval=0.02) as client:
    crewai_adapter.AurenCrewAIListener(client, session_id="crew-run-1", bus=bus)
    E = classes
    researcher, task = Agent("Researcher"), Task()
    bus.emit(None, E["CrewKickoffStartedEvent"](crew_name="research_crew", inputs={}))
    bus.emit(None, E["TaskStartedEvent"](task=task, context=""))
    bus.emit(None, E["AgentExecutionStartedEvent"](agent=researcher, task=task, tools=[], task_prompt="Find sources"))
    bus.emit(None, E["AgentReasoningCompletedEvent"](agent_role="Researcher", plan="1. search 2. read 3. summarise", ready=True))
    bus.emit(None, E["LLMCallStartedEvent"](agent=researcher, messages=[]))
    bus.emit(None, E["LLMCallCompletedEvent"](agent=researcher, response=Response(), call_type="llm_call"))
    bus.emit(None, E["ToolUsageStartedEvent"](agent=researcher, tool_name="web_search", tool_args={"q": "auren"}))
    bus.emit(None, E["ToolUsageFinishedEvent"](agent=researcher, tool_name="web_search", tool_args={"q": "auren"}, output="3 results", from_cache=False))
    bus.emit(None, E["ToolUsageStartedEvent"](agent=researcher, tool_name="fetch_url", tool_args={}))
    bus.emit(None, E["ToolUsageErrorEvent"](agent=researcher, tool_name="fetch_url", error="timeout after 10s"))
    bus.emit(None, E["MemorySaveCompletedEvent"](value="sources are in the notes", source_type="short_term"))
    bus.emit(None, E["AgentExecutionCompletedEvent"](agent=researcher, task=task, output="Three sources found"))
    bus.emit(None, E["TaskCompletedEvent"](task=task, output="done"))
    bus.emit(None, E["CrewKickoffCompletedEvent"](crew_name="research_crew", output="done"))
    bus.emit(None, object())  # unknown events are ignored
print(json.dumps({"stats": client.stats()}))
