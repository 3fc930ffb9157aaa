"""Where the time goes: a summary of a Chromium trace (CPU profiles of every JS thread, busy time per thread).

Used by bench/scrub.py. plotly.min.js bundles MapLibre GL: its functions are told apart by their
place in the file (MapLibre's main-thread code is one contiguous block; its worker is a string in the
bundle that runs as a blob: URL).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import plotly

TASKS = {"ThreadControllerImpl::RunTask", "RunTask", "ThreadPool_RunTask"}
HARNESS_FUNCTIONS = {"onRender", "onIdle", "readPixels", "hook", "pollWhileArmed", "same"}


@dataclass(frozen=True)
class PlotlyBundle:
    line_starts: list[int]
    maplibre: tuple[int, int] | None  # character offsets of MapLibre's main-thread code

    @classmethod
    def load(cls) -> PlotlyBundle:
        text = (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_text(encoding="utf-8")
        return cls([0, *(m.end() for m in re.finditer("\n", text))], _maplibre_range(text))

    def category(self, line: int, column: int) -> str:
        if self.maplibre is None or line >= len(self.line_starts):
            return "plotly.min.js (Plotly + MapLibre)"
        offset = self.line_starts[line] + column
        return "MapLibre (main thread)" if self.maplibre[0] <= offset < self.maplibre[1] else "Plotly"


def _maplibre_range(text: str) -> tuple[int, int] | None:
    """From the end of the last bundled module before MapLibre's style spec to the worker's source string."""
    first = text.find('"fill-extrusion"')
    if first < 0:
        return None
    modules = [m.start() for m in re.finditer(r"var [\w$]+=W\(\(", text[:first])]
    if not modules:
        return None
    end_of_module = re.compile(r"\}\}\);(?!var [\w$]+=W\()").search(text, modules[-1])
    worker = re.compile(r"var [\w$]+=W\(\([\w$]+,[\w$]+\)=>\{\"use strict\";[\w$]+\.exports='").search(text, first)
    if end_of_module is None or worker is None:
        return None
    return end_of_module.end(), worker.start()


def _category(frame: dict[str, Any], bundle: PlotlyBundle, worker: bool) -> str:
    name, url = frame.get("functionName", ""), frame.get("url", "")
    special = {
        "(garbage collector)": "GC",
        "(program)": "native: style, layout, paint, GL command encoding",
        "(idle)": "idle",
        "(root)": "idle",
    }
    if name in special:
        return special[name]
    if worker:
        return "MapLibre worker: GeoJSON tiling, buckets" if url.startswith("blob:") else "worker: other JS"
    rules = (
        ("plotly.min.js", None),
        ("dash_renderer", "Dash renderer"),
        ("react-dom", "React"),
        ("/react@", "React"),
        ("dash_core_components", "dcc components (Graph, Slider)"),
        ("/dcc/", "dcc components (Graph, Slider)"),
        ("/assets/map.js", "app: assets/map.js"),
    )
    for needle, label in rules:
        if needle in url:
            return label or bundle.category(frame.get("lineNumber", 0), frame.get("columnNumber", 0))
    if not url:
        return "bench harness" if name in HARNESS_FUNCTIONS else "V8 builtins / native callbacks"
    return url.rsplit("/", 1)[-1][:40]


@dataclass
class _Profile:
    tid: int
    nodes: dict[int, dict[str, Any]]
    samples: list[int]
    deltas: list[int]


def _profiles(events: list[dict[str, Any]]) -> dict[tuple[int, str], _Profile]:
    profiles: dict[tuple[int, str], _Profile] = {}
    for e in events:
        if e.get("name") not in ("Profile", "ProfileChunk"):
            continue
        key = (e["pid"], str(e.get("id")))
        profile = profiles.setdefault(key, _Profile(e["tid"], {}, [], []))
        data = e.get("args", {}).get("data", {})
        cpu = data.get("cpuProfile", {})
        for node in cpu.get("nodes", []):
            profile.nodes[node["id"]] = node
        profile.samples.extend(cpu.get("samples", []))
        profile.deltas.extend(data.get("timeDeltas", []))
    return profiles


def _names(events: list[dict[str, Any]]) -> tuple[dict[tuple[int, int], str], dict[int, str]]:
    threads, processes = {}, {}
    for e in events:
        if e.get("ph") == "M" and e.get("name") == "thread_name":
            threads[e["pid"], e["tid"]] = e["args"]["name"]
        elif e.get("ph") == "M" and e.get("name") == "process_name":
            processes[e["pid"]] = e["args"]["name"]
    return threads, processes


def _busy(
    events: list[dict[str, Any]], threads: dict[tuple[int, int], str], processes: dict[int, str], page_pids: set[int]
) -> dict[str, float]:
    """ms each thread spent running tasks (nested task events counted once); of the renderers, the page's only."""
    spans: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for e in events:
        if e.get("ph") == "X" and e.get("name") in TASKS:
            process = processes.get(e["pid"], str(e["pid"]))
            if "Renderer" in process and e["pid"] not in page_pids:
                continue
            spans[f"{process}/{threads.get((e['pid'], e['tid']), e['tid'])}"].append(
                (e["ts"], e["ts"] + e.get("dur", 0))
            )
    busy = {}
    for who, intervals in spans.items():
        total, end = 0.0, float("-inf")
        for start, stop in sorted(intervals):
            if stop > end:
                total += stop - max(start, end)
                end = stop
        busy[who] = total / 1e3
    return busy


def summarise_trace(trace: Any, bundle: PlotlyBundle, steps: int, step_ms: float, path: Path) -> str:
    """Busy time per thread and self time per category and function, in ms per step."""
    events = trace["traceEvents"] if isinstance(trace, dict) else trace
    threads, processes = _names(events)
    by_category: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    by_function: dict[str, dict[tuple[str, str], float]] = defaultdict(lambda: defaultdict(float))
    profiles = _profiles(events)
    # Only the renderer that runs the page (its JS comes from loopback), not Chromium's own UI renderers.
    page_pids = {
        pid
        for (pid, _), profile in profiles.items()
        if any("127.0.0.1" in n.get("callFrame", {}).get("url", "") for n in profile.nodes.values())
    }
    busy = _busy(events, threads, processes, page_pids)
    commit = sum(
        e.get("dur", 0) / 1e3
        for e in events
        if e.get("ph") == "X" and e.get("name") == "Commit" and e["pid"] in page_pids
        and threads.get((e["pid"], e["tid"])) == "CrRendererMain"
    )  # fmt: skip
    for (pid, _), profile in profiles.items():
        if pid not in page_pids:
            continue
        thread = threads.get((pid, profile.tid), str(profile.tid))
        worker = "Worker" in thread or "worker" in thread
        group = "worker threads" if worker else thread
        for sample, delta in zip(profile.samples, profile.deltas[1:], strict=False):
            frame = profile.nodes.get(sample, {}).get("callFrame", {})
            category = _category(frame, bundle, worker)
            by_category[group][category] += delta / 1e3
            if category not in ("idle",):
                url = frame.get("url", "").rsplit("/", 1)[-1][:24]
                where = f"{url}:{frame.get('lineNumber', 0) + 1}:{frame.get('columnNumber', 0) + 1}" if url else ""
                label = f"{frame.get('functionName') or '(anonymous)'} {where}".strip()
                by_function[group][category, label] += delta / 1e3
    lines = [
        f"CPU profile of our app: {steps} slider steps (median {step_ms:.0f} ms per step under tracing); trace {path}",
        "Busy time per thread (top-level tasks), ms per step: "
        + ", ".join(f"{name} {ms / steps:.1f}" for name, ms in sorted(busy.items(), key=lambda kv: -kv[1])[:7]),
        f"Page main thread blocked in Commit (handing frames to the compositor, waiting on the GPU): "
        f"{commit / steps:.1f} ms per step",
    ]
    for group in sorted(by_category, key=lambda g: (g != "CrRendererMain", g)):
        total = sum(v for k, v in by_category[group].items() if k != "idle")
        lines.append(f"{group}: {total / steps:.1f} ms per step not idle; self time by category (ms per step):")
        for category, ms in sorted(by_category[group].items(), key=lambda kv: -kv[1]):
            if category != "idle" and ms / steps >= 0.05:
                lines.append(f"    {ms / steps:7.2f}  {100 * ms / max(total, 1e-9):5.1f} %  {category}")
        lines.append("  top self-time functions (ms per step):")
        for (category, label), ms in sorted(by_function[group].items(), key=lambda kv: -kv[1])[:12]:
            lines.append(f"    {ms / steps:7.2f}  {label}  [{category}]")
    return "\n".join(lines)
