"""What a chart of the report plots, read back from its matplotlib SVG.

matplotlib writes every Axes as `<g id="axes_N">`; its first child `patch_*` is the plot area
(the white background rectangle). The data are the Axes' direct children `line2d_*` (a `<path d>`
through the points, and `<use>` elements for the markers) and `patch_*` with a fill (bars);
tick marks, grid lines and the legend's samples are nested deeper, spines are unfilled patches.
A line is "drawn" only where its vertices fall inside the plot area: a line matplotlib clipped
away (y-axis limits that miss the data) has no `d` at all, or points outside the area.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.etree import ElementTree

SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")
TOLERANCE = 0.5  # points: a vertex on the plot area's edge is inside


@dataclass
class AxesData:
    """What one Axes plots, in SVG coordinates."""

    index: int  # 1-based, in drawing order
    area: tuple[float, float, float, float]  # x0, y0, x1, y1 of the plot area
    points: list[tuple[float, float]] = field(default_factory=list)  # visible line vertices and markers
    bars: list[tuple[float, float]] = field(default_factory=list)  # (width, height) of visible bars

    def problem(self) -> str | None:
        """Why this Axes shows no data (None when it does)."""
        xs, ys = {round(x, 1) for x, _ in self.points}, {round(y, 1) for _, y in self.points}
        if len(xs) > 1 and len(ys) > 1:
            return None
        if any(w > 0.5 and h > 0.5 for w, h in self.bars):
            return None
        return (
            f"axes {self.index} plots nothing visible: {len(self.points)} point(s) inside the plot area "
            f"({len(xs)} distinct x, {len(ys)} distinct y), {len(self.bars)} bar(s)"
        )


def _coordinates(d: str) -> list[tuple[float, float]]:
    """The vertices of a path as matplotlib writes it (M / L / C / z with absolute coordinates)."""
    numbers = [float(n) for n in NUMBER.findall(d)]
    return list(zip(numbers[0::2], numbers[1::2], strict=False))


def _inside(point: tuple[float, float], area: tuple[float, float, float, float]) -> bool:
    x0, y0, x1, y1 = area
    return x0 - TOLERANCE <= point[0] <= x1 + TOLERANCE and y0 - TOLERANCE <= point[1] <= y1 + TOLERANCE


def _box(points: list[tuple[float, float]]) -> tuple[float, float, float, float]:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def _filled(path: ElementTree.Element) -> bool:
    style = path.get("style", "")
    return "fill:" in style and "fill: none" not in style


def axes_data(svg: str) -> list[AxesData]:
    """Every Axes of one chart's SVG with what it visibly plots."""
    root = ElementTree.fromstring(svg)
    result = []
    for group in root.iter(f"{SVG}g"):
        if not (group.get("id") or "").startswith("axes_"):
            continue
        children = [c for c in group if c.tag == f"{SVG}g"]
        background = children[0].find(f"{SVG}path") if children else None
        if background is None or not (children[0].get("id") or "").startswith("patch_"):
            raise AssertionError(f"{group.get('id')}: no plot-area patch as its first child")
        area = _box(_coordinates(background.get("d", "")))
        axes = AxesData(index=len(result) + 1, area=area)
        for child in children[1:]:
            gid = child.get("id") or ""
            if gid.startswith("line2d_"):
                vertices = []
                for path in child.findall(f"{SVG}path"):
                    vertices += _coordinates(path.get("d", ""))
                if len({round(x, 1) for x, _ in vertices}) <= 1:
                    continue  # a vertical rule (axvline: the fiscal-year marks), not data
                markers = [
                    (float(use.get("x", "nan")), float(use.get("y", "nan")))
                    for use in child.iter(f"{SVG}use")
                    if use.get(XLINK_HREF)
                ]
                axes.points += [p for p in vertices + markers if _inside(p, area)]
            elif gid.startswith("patch_"):
                for path in child.findall(f"{SVG}path"):
                    vertices = _coordinates(path.get("d", ""))
                    if _filled(path) and len(vertices) >= 4 and all(_inside(p, area) for p in vertices):
                        x0, y0, x1, y1 = _box(vertices)
                        axes.bars.append((x1 - x0, y1 - y0))
        result.append(axes)
    return result


def empty_axes(svg: str) -> list[str]:
    """Why each Axes of the chart that shows no data is empty; [] when every one plots data."""
    found = axes_data(svg)
    if not found:
        return ["the SVG has no axes"]
    return [problem for axes in found if (problem := axes.problem())]
