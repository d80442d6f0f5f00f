"""A repaint of part of the screen renders only the widgets that show in that part.

Textual's compositor, asked to repaint a region (the row a key changed and a field's count below
it), renders every widget whose *clip* overlaps it: the clip is the container's visible area, so
on a step screen each key rendered the title bar, the prompt and the key bar too, all of them
outside the region and none of them sent to the terminal: about a quarter of a key's time in a
profile, which a team server pays thirty typists over. `PartialCompositor` skips a widget whose visible
part (its region within its clip) does not meet the region being repainted, and renders the
others only on the rows being repainted (a container behind a field rendered all 24 of its rows
for one). The lines it yields for those rows are the lines Textual yields, so what reaches the
terminal is the same: only the spans inside the repainted region are ever sent (`ChopsUpdate`),
and a widget outside it covers nothing inside it. A whole-screen update asks for every row, so
there every widget is rendered whole, as Textual renders it.

Installed by `install` (`tui.shell.textual_compat.set_screen_compositor`): every screen built
after it gets one.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual._compositor import Compositor
from textual.geometry import Region
from textual.strip import Strip

from tui.shell import textual_compat as compat


class PartialCompositor(Compositor):
    """Textual's compositor; a partial repaint renders only the widgets shown in its region."""

    def _get_renders(
        self, crop: Region | None = None
    ) -> Iterable[tuple[Region, Region, list[Strip]]]:
        if crop is None:
            yield from super()._get_renders(crop)
            return
        intersection = Region.intersection
        for widget, (region, clip) in self.visible_widgets.items():
            # the rows being repainted, across the widget's whole visible width
            band = intersection(clip, Region(clip.x, crop.y, clip.width, crop.height))
            x, y, width, height = intersection(region, band)
            if not (width and height) or not crop.overlaps(Region(x, y, width, height)):
                continue  # wholly outside the part being repainted
            yield (
                region,
                band,
                widget.render_lines(Region(x - region.x, y - region.y, width, height)),
            )


def install() -> None:
    """Every screen built from now on paints with a `PartialCompositor`. Idempotent."""
    compat.set_screen_compositor(PartialCompositor)
