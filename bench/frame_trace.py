"""Where a frame's time goes between MapLibre's `render` and the screen: a Chrome trace of arrow keys and 1-px pans.

Run on demand (prints figures, asserts nothing):

    python bench/frame_trace.py [--inputs 4] [--out /tmp/frame-trace.json]

Starts the app on loopback, opens it in headless Chromium with the DevTools screencast on (as bench/reader.py
records), and traces (CDP Tracing, every process) arrow keys on the slider's handle and 1-px pans in turn. For
each input it prints, in ms after the keydown: MapLibre's animation frame, the renderer's commit and what it waits
in, the GPU process's execution of the WebGL commands, the display compositor's draw, and the screencast frame.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import click
from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import scrub

CATEGORIES = [
    "-*", "toplevel", "v8.execute", "devtools.timeline", "disabled-by-default-devtools.timeline", "gpu", "viz", "cc",
    "benchmark", "blink",
]  # fmt: skip
# (label, thread, event name): the first such event after the keydown, with its duration.
STAGES = (
    ("MapLibre's frame (rAF)", "CrRendererMain", "FireAnimationFrame"),
    ("renderer commit", "CrRendererMain", "Commit"),
    ("  of which WebGL read-back (GLES2::ReadPixels)", "CrRendererMain", "GLES2::ReadPixels"),
    ("GPU process runs the WebGL commands", "CrGpuMain", "CommandBufferStub::OnAsyncFlush"),
    ("display compositor draws (Display::DrawAndSwap)", "VizCompositorThread", "Display::DrawAndSwap"),
)


def stages(events: list[dict[str, Any]], threads: dict[tuple[int, int], str], start: float) -> list[str]:
    out = []
    for label, thread, name in STAGES:
        found = next(
            (
                e
                for e in events
                if e.get("ph") == "X" and e["name"] == name and e["ts"] >= start and e.get("dur", 0) > 1000
                and threads.get((e["pid"], e["tid"])) == thread
            ),
            None,
        )  # fmt: skip
        if found is None:
            out.append(f"{label}: —")
        else:
            out.append(f"{label}: +{(found['ts'] - start) / 1e3:.0f} ms, {found['dur'] / 1e3:.0f} ms long")
    return out


@click.command()
@click.option("--inputs", default=4, show_default=True, help="Inputs traced (arrow keys and pans in turn).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=Path("/tmp/frame-trace.json"))
def main(inputs: int, out: Path) -> None:
    port = scrub.free_port()
    command = [sys.executable, "-m", "dashboard", "run", "--port", str(port)]
    process = subprocess.Popen(command, cwd=scrub.ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        scrub.first_response(f"http://127.0.0.1:{port}/", process, time.perf_counter())
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=scrub.CHROMIUM, args=scrub.ARGS)
            tab = scrub.open_tab(browser)
            tab.page.goto(f"http://127.0.0.1:{port}/?date=2024-12-04", wait_until="commit")
            scrub.wait_cold(tab.page)
            tab.page.locator(scrub.SLIDER).focus()
            shots: list[float] = []

            def on_frame(event: dict[str, Any]) -> None:
                shots.append(event["metadata"]["timestamp"])
                tab.cdp.send("Page.screencastFrameAck", {"sessionId": event["sessionId"]})

            tab.cdp.on("Page.screencastFrame", on_frame)
            tab.cdp.send("Page.startScreencast", {"format": "jpeg", "quality": 90, "everyNthFrame": 1})
            tab.page.evaluate("() => __bench.quiet(500)")
            origin = tab.page.evaluate("performance.timeOrigin")
            browser.start_tracing(page=tab.page, categories=CATEGORIES)
            measured = []
            for i in range(inputs):
                kind = "key" if i % 2 == 0 else "pan"
                seen = len(shots)
                if kind == "key":
                    tab.page.evaluate("() => __bench.arm({})")
                    tab.page.keyboard.press("ArrowRight" if i % 4 == 0 else "ArrowLeft")
                else:
                    tab.page.evaluate("() => __bench.arm({pan: 1})")
                    tab.page.keyboard.press("F9")
                r = tab.page.evaluate("() => __bench.wait(60000).then(r => ({...r, frames: undefined}))")
                tab.page.evaluate("() => __bench.quiet(400)")
                tab.page.wait_for_timeout(500)
                t0 = (origin + r["t0"]) / 1e3
                measured.append((kind, r["firstRender"] - r["t0"], [(s - t0) * 1e3 for s in shots[seen:]]))
            trace = browser.stop_tracing()
            browser.close()
    finally:
        process.terminate()
    out.write_bytes(trace)
    events = json.loads(trace)
    events = events["traceEvents"] if isinstance(events, dict) else events
    threads = {(e["pid"], e["tid"]): e["args"]["name"] for e in events if e.get("name") == "thread_name"}
    keydowns = sorted(
        e["ts"]
        for e in events
        if e.get("name") == "EventDispatch" and e.get("args", {}).get("data", {}).get("type") == "keydown"
    )
    click.echo(f"trace: {out}")
    for (kind, render, frames), start in zip(measured, keydowns, strict=False):
        click.echo(
            f"\n{kind}: MapLibre render event +{render:.0f} ms; screencast frames at "
            + ", ".join(f"+{f:.0f}" for f in frames[:3])
        )
        for line in stages(events, threads, start):
            click.echo(f"  {line}")


if __name__ == "__main__":
    main()
