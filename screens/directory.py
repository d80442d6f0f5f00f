"""The interventions directory: browse by section or need area, filter, search, read the detail.

The screen is given the interventions; it reads no files. Everything shown from content goes in as
`Text`/`Content`, never as markup.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Input, Static, Tree

from exercises.errors import ContentError
from exercises.interventions import NEED_AREAS, SECTIONS, TYPES, Intervention
from screens.host import host
from screens.key_bar import KeyBar
from tui.services.eligibility import ADVISORY
from tui.services.safe_text import one_line

if TYPE_CHECKING:
    from textual.dom import DOMNode

GENDERS: dict[str, str] = {"": "all", "male": "men", "female": "women"}


def _cycle(options: Sequence[str], current: str, step: int = 1) -> str:
    return options[(options.index(current) + step) % len(options)]


def detail_text(item: Intervention, names: Mapping[str, str] | None = None) -> Text:
    """The detail view of one intervention, as rich Text (no markup is parsed); `names` maps
    the directory's ids to names, for the programmes a criterion names."""
    text = Text()
    title = one_line(item.name) + (f" ({one_line(item.short_name)})" if item.short_name else "")
    text.append(title + "\n", style="bold")
    text.append(one_line(item.summary) + "\n\n")

    def field(label: str, value: str) -> None:
        text.append(f"{label}: ", style="bold")
        text.append(one_line(value) + "\n")

    field("Section", item.section_label)
    field("Type", item.type_label)
    field("Need areas", ", ".join(item.need_labels))
    field("Open to", " and ".join(GENDERS[g] for g in item.genders))
    field("Delivery", item.delivery.summary())
    if item.delivery.notes:
        text.append(one_line(item.delivery.notes) + "\n")
    text.append("\nWho it is for\n", style="bold underline")
    criteria = item.criteria.describe(names)
    for line in criteria or ["No conditions of its own in the brochure."]:
        text.append(f" • {one_line(line)}\n")
    for note in item.criteria.notes:
        text.append(f" • {one_line(note)}\n", style="italic")
    text.append("\nAbout\n", style="bold underline")
    for para in item.body.split("\n\n"):
        text.append(one_line(para) + "\n\n")
    return text


class DirectoryScreen(Screen[None]):
    """Browse the directory. Keys cycle the filters; the Footer and palette list them."""

    CSS_PATH = "directory.tcss"
    TITLE = "Interventions directory"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="directory.back"),
        Binding("slash", "search", "Search", id="directory.search"),
        Binding("b", "browse", "Group by", id="directory.browse"),
        Binding("g", "gender", "Gender", id="directory.gender"),
        Binding("t", "type", "Type", id="directory.type"),
        Binding("s", "section", "Section", show=False, id="directory.section"),
        Binding("n", "need", "Need area", show=False, id="directory.need"),
        Binding("x", "clear", "Clear filters", show=False, id="directory.clear"),
        Binding("d", "detail", "Read detail", show=False, id="directory.detail"),
    ]

    def __init__(
        self,
        interventions: Sequence[Intervention],
        problems: Sequence[ContentError] = (),
        *,
        selected: str = "",
    ) -> None:
        super().__init__()
        self.interventions = list(interventions)
        #: an intervention to open at (by id): its detail shown, the cursor on it
        self.selected = selected
        self.problems = list(problems)
        self.group_by = "section"
        self.gender = ""
        self.type_filter = ""
        self.section_filter = ""
        self.need_filter = ""
        self.query_text = ""

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static(f"⚠ {ADVISORY}", id="advisory", markup=False)
        yield Input(placeholder="Search by name  ( / )", id="search")
        yield Static("", id="filters", markup=False)
        with Horizontal(id="body"):
            yield Tree("Interventions", id="tree")
            with VerticalScroll(id="detail-scroll", can_focus=True):
                yield Static("", id="detail", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = f"{len(self.interventions)} interventions"
        tree = self.query_one("#tree", Tree)
        tree.show_root = False
        self.refresh_tree()
        tree.focus()
        if self.selected:
            self.select(self.selected)
        if self.problems:
            self.notify(
                f"{len(self.problems)} directory file(s) have problems and are left out",
                severity="warning",
            )

    # -- filtering ------------------------------------------------------------------------------

    def matching(self) -> list[Intervention]:
        """The interventions that pass every filter and the search, in directory order."""
        query = self.query_text.strip().casefold()
        out = []
        for item in self.interventions:
            if self.gender and self.gender not in item.genders:
                continue
            if self.type_filter and item.type != self.type_filter:
                continue
            if self.section_filter and item.section != self.section_filter:
                continue
            if self.need_filter and self.need_filter not in item.need_areas:
                continue
            names = f"{item.name} {item.short_name} {item.id}".casefold()
            if query and query not in names:
                continue
            out.append(item)
        return out

    def _filters_line(self) -> str:
        parts = [
            f"Group: {'section' if self.group_by == 'section' else 'need area'} (b)",
            f"Gender: {GENDERS[self.gender]} (g)",
            f"Type: {TYPES.get(self.type_filter, 'all')} (t)",
        ]
        if self.section_filter:
            parts.append(f"Section: {SECTIONS[self.section_filter]} (s)")
        if self.need_filter:
            parts.append(f"Need: {NEED_AREAS[self.need_filter]} (n)")
        return " · ".join(parts)

    def refresh_tree(self) -> None:
        items = self.matching()
        tree = self.query_one("#tree", Tree)
        tree.clear()
        groups = SECTIONS if self.group_by == "section" else NEED_AREAS
        for key, label in groups.items():
            members = [
                i
                for i in items
                if (i.section == key if self.group_by == "section" else key in i.need_areas)
            ]
            if not members:
                continue
            node = tree.root.add(Text(f"{label} ({len(members)})"), expand=True)
            for item in members:
                node.add_leaf(Text(one_line(item.name)), data=item)
        self.query_one("#filters", Static).update(f"{self._filters_line()}   {len(items)} shown")
        first = next((n for n in tree.root.children), None)
        if first is not None and first.children:
            tree.move_cursor(first.children[0])
            self.show_detail(first.children[0].data)
        else:
            self.show_detail(None)

    def select(self, intervention_id: str) -> bool:
        """Put the cursor on an intervention and show its detail; False when it is not listed."""
        tree = self.query_one("#tree", Tree)
        for group in tree.root.children:
            for leaf in group.children:
                if leaf.data is not None and leaf.data.id == intervention_id:
                    tree.move_cursor(leaf)
                    self.show_detail(leaf.data)
                    return True
        return False

    def show_detail(self, item: Intervention | None) -> None:
        detail = self.query_one("#detail", Static)
        if item is None:
            detail.update(Text("Nothing matches. Press x to clear the filters."))
        else:
            names = {i.id: i.name for i in self.interventions}
            detail.update(detail_text(item, names))
        self.query_one("#detail-scroll", VerticalScroll).scroll_home(animate=False)

    @on(Tree.NodeHighlighted, "#tree")
    def _highlighted(self, event: Tree.NodeHighlighted[Intervention]) -> None:
        if event.node.data is not None:
            self.show_detail(event.node.data)

    @on(Tree.NodeSelected, "#tree")
    def _selected(self, event: Tree.NodeSelected[Intervention]) -> None:
        if event.node.data is not None:
            self.query_one("#detail-scroll").focus()

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.query_text = event.value
        self.refresh_tree()

    @on(Input.Submitted, "#search")
    def _search_done(self) -> None:
        self.query_one("#tree").focus()

    # -- actions --------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Letters typed into the search box are text, not commands.
        if isinstance(self.focused, Input) and action not in ("back",):
            return False
        return True

    def action_back(self) -> None:
        if isinstance(self.focused, Input) or self.focused is self.query_one("#detail-scroll"):
            self.query_one("#tree").focus()
        else:
            self.dismiss()

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_browse(self) -> None:
        self.group_by = "need" if self.group_by == "section" else "section"
        self.refresh_tree()

    def action_gender(self) -> None:
        self.gender = _cycle(list(GENDERS), self.gender)
        self.refresh_tree()

    def action_type(self) -> None:
        self.type_filter = _cycle(["", *TYPES], self.type_filter)
        self.refresh_tree()

    def action_section(self) -> None:
        self.section_filter = _cycle(["", *SECTIONS], self.section_filter)
        self.refresh_tree()

    def action_need(self) -> None:
        self.need_filter = _cycle(["", *NEED_AREAS], self.need_filter)
        self.refresh_tree()

    def action_clear(self) -> None:
        self.gender = self.type_filter = self.section_filter = self.need_filter = ""
        self.query_text = ""
        self.query_one("#search", Input).value = ""
        self.refresh_tree()

    def action_detail(self) -> None:
        self.query_one("#detail-scroll").focus()


def show_directory(node: DOMNode, entry: str = "") -> None:
    """The interventions directory; at `entry` (an intervention id) when given."""
    interventions, problems = host(node).ctx.directory
    node.app.push_screen(DirectoryScreen(interventions, problems, selected=entry))
