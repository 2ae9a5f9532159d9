"""Progress of a long list of work items (Countdown): done of total, the share, and the time
left at the pace so far, at most every few seconds and once at the end; short lists stay quiet."""

from __future__ import annotations

import io

from crossborder.core.progress import Countdown, Progress


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _lines(stream: io.StringIO) -> list[str]:
    return [line.strip() for line in stream.getvalue().splitlines()]


def test_a_long_crawl_says_how_far_it_is_and_how_long_is_left():
    stream, clock = io.StringIO(), Clock()
    countdown = Countdown(Progress(stream), 1700, "country page", every_s=15, clock=clock)
    for _ in range(10):  # 10 pages, one a second: nothing said before 15 s
        clock.now += 1
        countdown.done()
    assert _lines(stream) == []
    for _ in range(10):
        clock.now += 1
        countdown.done()
    # said once, at 15 s: 15 pages in 15 s, 1,685 left at that pace
    assert _lines(stream) == ["15 of 1,700 country pages done (1%), about 28 min left"]
    for _ in range(1680):
        clock.now += 1
        countdown.done()
    lines = _lines(stream)
    assert lines[-1] == "1,700 of 1,700 country pages done (100%) in 28 min"
    assert lines[-2].startswith("1,695 of 1,700 country pages done (100%), about 5 s left")
    assert len(lines) == 1700 // 15 + 1  # every 15 s, and the end


def test_a_short_list_stays_quiet():
    stream = io.StringIO()
    countdown = Countdown(Progress(stream), 5, "release file")
    for _ in range(5):
        countdown.done()
    assert stream.getvalue() == ""


def test_the_extract_of_many_items_ends_saying_how_many_were_done():
    from types import SimpleNamespace

    from extractors.base import Source, extract_all

    class Pages(Source):
        name = "pages"
        DATASETS = ()
        PARSER_VERSION = 1
        item_noun = "page"

        def plan(self, ctx, report):
            return [f"/p/{n}" for n in range(60)]

        def fetch(self, ctx, item, report):
            pass

        def refresh_records(self, ctx, report):
            pass

    stream = io.StringIO()
    report = extract_all(Pages(), SimpleNamespace(progress=Progress(stream)))
    assert report.ok
    assert _lines(stream)[-1].startswith("60 of 60 pages done (100%) in ")
