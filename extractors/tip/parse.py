"""Parser of TIP (Trafficking in Persons Report) pages: pure functions, HTML or text in, records out.

A country narrative reads, in the HTML and in a plain-text extraction alike:

    CANADA: Tier 1                    (2021 and earlier)  or  CANADA (Tier 1)  (2022 on)
    The Government of Canada fully meets the minimum standards ... therefore Canada remained on Tier 1. ...
    PRIORITIZED RECOMMENDATIONS:  ...
    PROSECUTION  ...   PROTECTION  ...   PREVENTION  ...   TRAFFICKING PROFILE  ...

Before 2017 the trafficking profile came first, without a heading, and the recommendations were
headed "RECOMMENDATIONS FOR CANADA:". Which layout a page has is read from its section headings
(narrative_layout), not from where the assessment sits: pages carry short lines under the
heading (a link, "Download PDF", a share line, a caption, a dateline) that are no profile. The
tier is read from the heading only: "Tier 1" also appears in body text that explains the scale.
Both front ends (HTML, text) reduce a page to a list of blocks (heading or text) and share
everything after that, so the contract tests on the plain-text excerpts in ../shared/real-data/tip/
exercise the same code as the HTML pages.
page_records turns a narrative into the records of docs/tip.md.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bs4 import BeautifulSoup, NavigableString, Tag

from crossborder.core.reference import tip_placement_names
from extractors.tip.schema import MEASURE_SECTIONS, MEASURES, PARSER_VERSION, SECTIONS

_SPACE = re.compile(r"\s+")
_TIER = r"tier\s*1|tier\s*2\s*watch\s*-?\s*list|tier\s*2|tier\s*3|special\s+case"
# "CANADA: Tier 1" or "CANADA (Tier 1)"; the name may hold commas, apostrophes, accents and an
# "(INCLUDES ...)" qualifier.
_HEADING = re.compile(rf"^(?P<name>.+?)\s*(?::\s*(?P<t1>{_TIER})|\(\s*(?P<t2>{_TIER})\s*\))\s*$", re.IGNORECASE)
_SECTION_HEADING = re.compile(
    r"^(?P<title>prioritized\s+recommendations|recommendations\s+for\s+[^:]{2,80}?|prosecution|protection|prevention"
    r"|trafficking\s+profile)\s*:?$",
    re.IGNORECASE,
)
# The section title opening a line of text ("RECOMMENDATIONS FOR CANADA: Intensify ..."), in capitals
# as the report writes its titles, so that body text opening with "Prevention: ..." stays text.
_INLINE_SECTION_TITLE = re.compile(
    r"^(?P<title>PRIORITIZED RECOMMENDATIONS|RECOMMENDATIONS FOR [^:]{2,80}?|PROSECUTION|PROTECTION|PREVENTION"
    r"|TRAFFICKING PROFILE)\s*:\s+(?P<rest>\S.*)$"
)
# The assessment opening every narrative: "The Government of X fully meets / does not fully meet
# (before 2017: comply with) the minimum standards ...", or "Libya remains a Special Case ...".
_ASSESSMENT = re.compile(
    r"\b(?:meets?|meeting|compl(?:y|ies|ying))\b[^.;]{0,30}?\bminimum\s+standards\b"
    r"|\b(?:is|remains?|remained)\s+a\s+special\s+case\b",
    re.IGNORECASE,
)
# A block under the heading shorter than this that is not the assessment is page furniture (a link
# line, "Download PDF", a share line, a caption, a dateline): a profile paragraph is longer.
_FURNITURE_MAX_WORDS = 25
_ENDS_SENTENCE = re.compile(r"[.!?][\"'”’)]*$")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z])")
# A full stop that ends an abbreviation, not a sentence: "the U.S. Department of Justice".
_ABBREVIATION = re.compile(r"(?:\b(?:U\.S\.C|U\.S|U\.N|U\.K|Mr|Mrs|Ms|Dr|St|Jr|Sr|No|Nos|Art|Sec|Gen|Gov|Sen|Rep)\.)$")
_MOVEMENT = re.compile(
    rf"\b(?P<verb>remained\s+on|remains\s+on|upgraded\s+to|downgraded\s+to|remained\s+an?|remains\s+an?)\s+(?P<tier>{_TIER})\b",
    re.IGNORECASE,
)
_MOVEMENT_KIND = {"remain": "remained", "upgrad": "upgraded", "downgr": "downgraded"}


class PageUnreadable(ValueError):
    """The page has no heading naming a country and a placement: it is quarantined, not guessed."""


@dataclass(frozen=True)
class Block:
    kind: str  # "heading" or "text"
    text: str
    is_item: bool = False  # a list item (recommendations are bulleted)
    level: int = 0  # 1 to 6 for an HTML heading element


@dataclass
class Narrative:
    country_name_in_report: str  # as the heading writes it, e.g. "KOREA, NORTH"
    country_name: str  # the same without an "(INCLUDES ...)" qualifier
    heading: str
    placement: str  # one of reference.tip_placement_names()
    movement_stated: str | None  # remained / upgraded / downgraded (what the summary says)
    movement_stated_placement: str | None  # the placement the movement sentence names
    movement_sentence: str | None
    layout: str  # "profile_first" (before 2017) or "assessment_first"
    sections: list[dict[str, Any]] = field(default_factory=list)  # {section, section_title, section_order, text}
    figures: list[dict[str, Any]] = field(default_factory=list)  # {measure, value, evidence_sentence, section, note}


def clean(text: str) -> str:
    """One line of text: NFC, no-break and other spaces collapsed, trimmed."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text).replace("\u00ad", "")).strip()


def canonical_placement(text: str) -> str | None:
    key = re.sub(r"[\s-]+", " ", text.strip().lower())
    key = key.replace("tier 2 watchlist", "tier 2 watch list")
    for placement in tip_placement_names():
        if re.sub(r"\s+", "", placement.lower()) == key.replace(" ", ""):
            return placement
    return None


def parse_heading(text: str) -> tuple[str, str] | None:
    """(country name as written, placement) of a heading like "CANADA: Tier 1" / "CANADA (Tier 1)", else None."""
    match = _HEADING.match(clean(text))
    if not match:
        return None
    placement = canonical_placement(match["t1"] or match["t2"])
    name = match["name"].strip().rstrip(":").strip()
    if placement is None or not re.search(r"[A-Za-z]", name) or len(name) > 120:
        return None
    return name, placement


def strip_qualifier(name: str) -> str:
    """ "CHINA (INCLUDES TIBET, HONG KONG, AND MACAU)" -> "CHINA"; other names unchanged."""
    return re.sub(r"\s*\((?:includes?|including)\b[^)]*\)\s*$", "", name, flags=re.IGNORECASE).strip() or name


# -- front ends: page -> blocks --------------------------------------------------------------------
_BLOCK_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li")
_HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


def html_blocks(html: bytes | str) -> list[Block]:
    """The page's headings, paragraphs and list items in document order (scripts, navigation dropped)."""
    soup = BeautifulSoup(html, "lxml")
    for tag in soup.find_all(["script", "style", "noscript", "template"]):
        tag.decompose()
    # The narrative lives in the article (or main) holding the country heading; site navigation,
    # sidebars and the footer are not part of it.
    heading = next((h for h in soup.find_all(_HEADING_TAGS) if parse_heading(h.get_text(" "))), None)
    container = (heading.find_parent(["article", "main"]) if heading else None) or soup
    for tag in container.find_all(["nav", "aside", "footer"]):
        if heading is None or heading not in tag.descendants:
            tag.decompose()
    blocks: list[Block] = []
    for element in container.find_all(_BLOCK_TAGS):
        if element.name in ("p", "li") and element.find(_BLOCK_TAGS):
            continue  # its inner blocks come on their own
        if element.find_parent(_HEADING_TAGS):
            continue
        if element.name in _HEADING_TAGS:
            text = clean(element.get_text(" "))
            if text:
                blocks.append(Block("heading", text, level=int(element.name[1])))
            continue
        lead = _bold_lead(element)
        if lead and _SECTION_HEADING.match(lead[0]):
            blocks.append(Block("heading", lead[0]))
            if lead[1]:
                blocks.append(Block("text", lead[1], element.name == "li"))
            continue
        text = clean(element.get_text(" "))
        if text:
            blocks.extend(_line_blocks(text, element.name == "li"))
    return blocks


def _line_blocks(text: str, is_item: bool = False) -> list[Block]:
    """A paragraph as blocks: a heading and its text when it opens with a section title in capitals
    and a colon (the pre-2017 "RECOMMENDATIONS FOR CANADA: Intensify ..."), else one text block."""
    inline = _INLINE_SECTION_TITLE.match(text)
    if inline:
        return [Block("heading", inline["title"]), Block("text", clean(inline["rest"]), is_item)]
    return [Block("text", text, is_item)]


def _bold_lead(element: Tag) -> tuple[str, str] | None:
    """A paragraph opening with bold text ("<p><strong>PROSECUTION</strong> The ...</p>"): (bold, rest)."""
    children = [c for c in element.children if not (isinstance(c, NavigableString) and not c.strip())]
    if not children or not isinstance(children[0], Tag) or children[0].name not in ("strong", "b"):
        return None
    bold = clean(children[0].get_text(" "))
    rest = clean(" ".join(c.get_text(" ") if isinstance(c, Tag) else str(c) for c in children[1:]))
    return bold, rest


def text_blocks(text: str) -> list[Block]:
    """Blocks of a plain-text extraction: one per non-empty line; heading-like lines are headings."""
    blocks = []
    for line in text.splitlines():
        line = clean(line)
        if not line:
            continue
        if parse_heading(line) or _SECTION_HEADING.match(line):
            blocks.append(Block("heading", line))
        else:
            blocks.extend(_line_blocks(line))
    return blocks


# -- shared: blocks -> narrative --------------------------------------------------------------------
def parse_html(html: bytes | str) -> Narrative:
    return parse_blocks(html_blocks(html))


def parse_text(text: str) -> Narrative:
    return parse_blocks(text_blocks(text))


def find_heading(blocks: list[Block]) -> tuple[int, str, str]:
    """Index, country name and placement of the first heading block naming both; PageUnreadable if none."""
    headings = [b.text for b in blocks if b.kind == "heading"]
    for index, block in enumerate(blocks):
        if block.kind == "heading":
            parsed = parse_heading(block.text)
            if parsed:
                return index, parsed[0], parsed[1]
    near = [h for h in headings if re.search(r"\btier\b|special case", h, re.IGNORECASE)]
    if near:
        raise PageUnreadable(f"heading {near[0]!r} names no known placement ({', '.join(tip_placement_names())})")
    shown = "; ".join(repr(h[:60]) for h in headings[:3]) or "none"
    raise PageUnreadable(f"no heading of the form 'COUNTRY: Tier N' or 'COUNTRY (Tier N)' (headings seen: {shown})")


def _is_site_heading(block: Block) -> bool:
    return block.level in (1, 2) and section_key(block.text) is None and any(c.islower() for c in block.text)


def section_key(title: str) -> str | None:
    match = _SECTION_HEADING.match(clean(title))
    if not match:
        return None
    words = " ".join(match["title"].lower().split())
    if words.startswith("recommendations for") or words == "prioritized recommendations":
        return "prioritized_recommendations"
    return words.replace(" ", "_")


def _is_furniture(block: Block) -> bool:
    """A short block under the heading that is not the assessment: a link, caption, share line, dateline."""
    return len(block.text.split()) < _FURNITURE_MAX_WORDS and not _ASSESSMENT.search(block.text)


def _assessment_index(intro: list[Block]) -> int | None:
    """Where the assessment is among the text blocks before the first section heading: the block
    stating the minimum standards or the Special Case, else the first block that is not furniture."""
    found = next((i for i, b in enumerate(intro) if _ASSESSMENT.search(b.text)), None)
    if found is None:
        found = next((i for i, b in enumerate(intro) if not _is_furniture(b)), None)
    return found


def narrative_layout(headings: list[tuple[str, str]], before_assessment: list[Block]) -> str:
    """ "assessment_first" (2017 on) or "profile_first" (before 2017), from the page's section headings.

    headings: (section key, title) of each section heading, in page order. A TRAFFICKING PROFILE
    heading, which comes after the assessment, or the PRIORITIZED RECOMMENDATIONS title means the
    modern layout; the pre-2017 title RECOMMENDATIONS FOR <COUNTRY> without a profile heading means
    the profile opened the narrative. Only a page whose headings tell neither (cut short, or
    without those sections) is judged by its text: prose before the assessment, not furniture, is
    a profile.
    """
    keys = [key for key, _ in headings]
    if "trafficking_profile" in keys:
        return "assessment_first"
    recommendations = next((title for key, title in headings if key == "prioritized_recommendations"), None)
    if recommendations is not None:
        return "profile_first" if recommendations.lower().startswith("recommendations for") else "assessment_first"
    return "profile_first" if any(not _is_furniture(b) for b in before_assessment) else "assessment_first"


def parse_blocks(blocks: list[Block]) -> Narrative:
    start, name, placement = find_heading(blocks)
    body = blocks[start + 1 :]
    # Stop at a second country heading (a page never holds two narratives), or at a top-level
    # heading in ordinary case ("Related Articles"): the site's, after the narrative, whose own
    # headings are upper case ("PROSECUTION", "HONG KONG").
    for index, block in enumerate(body):
        if block.kind == "heading" and (parse_heading(block.text) or _is_site_heading(block)):
            body = body[:index]
            break

    intro: list[Block] = []
    explicit: list[tuple[str, str, list[Block]]] = []  # (key, title, blocks)
    for block in body:
        key = section_key(block.text) if block.kind == "heading" else None
        if key:
            explicit.append((key, block.text.rstrip(": "), []))
        elif explicit:
            explicit[-1][2].append(block)
        elif block.kind == "text":
            intro.append(block)

    # The intro: [furniture] [profile (before 2017)] assessment [unheaded recommendations].
    assessment_at = _assessment_index(intro)
    before = intro[:assessment_at] if assessment_at is not None else []
    layout = narrative_layout([(key, title) for key, title, _ in explicit], before)
    sections: list[tuple[str, str, list[Block]]] = []
    if layout == "profile_first":
        # A profile paragraph may be a single short sentence: only lines that are no sentence go.
        before = [b for b in before if not (_is_furniture(b) and not _ENDS_SENTENCE.search(b.text))]
    else:
        before = [b for b in before if not _is_furniture(b)]
    if assessment_at is not None:
        summary, after = intro[assessment_at : assessment_at + 1], intro[assessment_at + 1 :]
        if layout == "profile_first":
            if before:
                sections.append(("trafficking_profile", SECTIONS["trafficking_profile"], before))
        else:
            summary = before + summary  # long text before the assessment is kept, not guessed away
        sections.append(("summary", SECTIONS["summary"], summary))
        if after:
            # Text after the assessment and before any heading: the bulleted recommendations when
            # the page gives them no heading of their own, else more of the summary.
            has_recommendations = any(k == "prioritized_recommendations" for k, _, _ in explicit)
            if not has_recommendations and layout == "assessment_first":
                sections.append(("prioritized_recommendations", SECTIONS["prioritized_recommendations"], after))
            else:
                sections[-1] = ("summary", SECTIONS["summary"], summary + after)
    sections.extend(explicit)

    records: list[dict[str, Any]] = []
    seen: dict[str, dict[str, Any]] = {}
    for key, title, section_blocks in sections:
        text = section_text(key, section_blocks)
        if key in seen:  # a repeated heading continues its section
            seen[key]["text"] = (seen[key]["text"] + "\n\n" + text).strip()
            continue
        record = {"section": key, "section_title": title, "section_order": len(records) + 1, "text": text}
        seen[key] = record
        records.append(record)

    summary_text = seen["summary"]["text"] if "summary" in seen else ""
    movement, moved_to, sentence = find_movement(summary_text)
    narrative = Narrative(
        country_name_in_report=name,
        country_name=strip_qualifier(name),
        heading=blocks[start].text,
        placement=placement,
        movement_stated=movement,
        movement_stated_placement=moved_to,
        movement_sentence=sentence,
        layout=layout,
        sections=records,
    )
    narrative.figures = enforcement_figures({r["section"]: r["text"] for r in records})
    return narrative


def section_text(key: str, blocks: list[Block]) -> str:
    """Clean text of a section: paragraphs separated by blank lines, one recommendation per line."""
    if key == "prioritized_recommendations":
        items: list[str] = []
        for block in blocks:
            parts = [clean(p) for p in block.text.split("•")]
            items.extend(p for p in parts if p)
        return "\n".join(items)
    paragraphs: list[str] = []
    for block in blocks:
        if block.is_item and paragraphs and paragraphs[-1].startswith("- "):
            paragraphs[-1] += "\n- " + block.text
        else:
            paragraphs.append(("- " if block.is_item else "") + block.text)
    return "\n\n".join(paragraphs)


# -- movement sentence --------------------------------------------------------------------------------
def sentences(text: str) -> list[str]:
    """The sentences of text; a full stop after an abbreviation ("U.S.") ends none."""
    text = text.replace("\n", " ")
    out: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if _ABBREVIATION.search(text, 0, match.start()):
            continue
        out.append(text[start : match.end()].strip())
        start = match.end()
    out.append(text[start:].strip())
    return [s for s in out if s]


def find_movement(summary: str) -> tuple[str | None, str | None, str | None]:
    """(remained|upgraded|downgraded, the placement it names, the sentence) from the summary.

    None for all three when no sentence says how the country moved; the kind is None (the
    sentence kept) when one sentence says two different things, e.g. "upgraded to ... remained on".
    """
    for sentence in sentences(summary):
        found = {
            (_MOVEMENT_KIND[m["verb"].lower()[:6]], canonical_placement(m["tier"]))
            for m in _MOVEMENT.finditer(sentence)
        }
        if not found:
            continue
        if len(found) == 1:
            kind, placement = found.pop()
            return kind, placement, sentence
        return None, None, sentence
    return None, None, None


# -- enforcement figures -------------------------------------------------------------------------------
_WORD_NUMBERS = {
    "no": 0,
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
}
_NUM = (
    r"(?P<qual>(?:at\s+least|more\s+than|fewer\s+than|less\s+than|approximately|about|nearly|over|up\s+to|around|roughly)\s+)?"
    r"(?P<num>\d{1,3}(?:,\d{3})+|\d+|" + "|".join(_WORD_NUMBERS) + r")"
)
# Up to four words between a number and its noun ("sex trafficking", "alleged"), but not a
# preposition: "one of the investigations" is no count of investigations.
_GAP = r"(?:(?!(?:of|in|the|from|for|with|to|by|on|at|which|that|who|per)\b)[\w'’()-]+\s+){0,4}?"
_PEOPLE = r"(?:cases?|suspects?|defendants?|individuals?|people|persons?|perpetrators?|offenders?|traffickers?)"
_FIGURE_PATTERNS = {
    "investigations": [
        rf"\binvestigat(?:ed|ing|ions?\s+(?:of|into))\s+{_NUM}\s+{_GAP}{_PEOPLE}\b",
        rf"\b{_NUM}\s+{_GAP}investigations?\b",
    ],
    "prosecutions": [
        rf"\bprosecut(?:ed|ing|ions?\s+(?:of|against))\s+{_NUM}\s+{_GAP}{_PEOPLE}\b",
        rf"\b{_NUM}\s+{_GAP}prosecutions?\b",
    ],
    "convictions": [
        rf"\bconvict(?:ed|ing|ions?\s+of)\s+{_NUM}\s+{_GAP}{_PEOPLE}\b",
        rf"\b{_NUM}\s+{_GAP}convictions?\b",
    ],
    "victims_identified": [
        rf"\bidentif(?:ied|ying|ication\s+of)\s+{_NUM}\s+{_GAP}victims?\b",
        rf"\b{_NUM}\s+{_GAP}victims?\s+(?:were\s+|had\s+been\s+)?identified\b",
    ],
}
_FIGURE_REGEXES = {m: [re.compile(p, re.IGNORECASE) for p in ps] for m, ps in _FIGURE_PATTERNS.items()}
# The part of a sentence about an earlier period ("compared with 57 in 2018") is not read.
_COMPARISON = re.compile(
    r"\b(?:compared\s+(?:with|to)|versus|vs\.|an?\s+(?:decrease|increase)\s+(?:from|over)|down\s+from|up\s+from|"
    r"from\s+\S+\s+in\s+the\s+previous)\b",
    re.IGNORECASE,
)


def _value(match: re.Match[str]) -> int | None:
    num = match["num"].lower()
    if num in _WORD_NUMBERS:
        return _WORD_NUMBERS[num]
    value = int(num.replace(",", ""))
    if "," not in num and 1990 <= value <= 2039:
        return None  # a year, not a count
    return value


def figures_in_sentence(measure: str, sentence: str) -> tuple[bool, int | None, str | None]:
    """(mentions the measure with a number, value, why the value is null)."""
    current = _COMPARISON.split(sentence, maxsplit=1)[0]
    values: set[int | None] = set()
    qualified = False
    for regex in _FIGURE_REGEXES[measure]:
        for match in regex.finditer(current):
            value = _value(match)
            if value is None:
                continue
            values.add(value)
            qualified = qualified or bool(match["qual"])
    if not values:
        return False, None, None
    if len(values) > 1:
        return True, None, f"ambiguous: the sentence gives {len(values)} different numbers"
    if qualified:
        return True, None, "ambiguous: the number is an estimate or a bound (at least, more than, ...)"
    return True, values.pop(), None


def enforcement_figures(section_texts: dict[str, str]) -> list[dict[str, Any]]:
    """One record per measure the narrative states: the first sentence of its section that gives a
    number for it, with the value, or null and the reason when that sentence is ambiguous."""
    out = []
    for measure in MEASURES:
        for section in MEASURE_SECTIONS[measure]:
            found = None
            for sentence in sentences(section_texts.get(section, "")):
                mentioned, value, note = figures_in_sentence(measure, sentence)
                if mentioned:
                    found = {
                        "measure": measure,
                        "value": value,
                        "evidence_sentence": sentence,
                        "section": section,
                        "note": note,
                    }
                    break
            if found:
                out.append(found)
                break
    return out


# -- records -------------------------------------------------------------------------------------------
def page_records(
    narrative: Narrative,
    *,
    edition: Mapping[str, Any],
    page_url: str,
    page_slug: str,
    raw_sha256: str,
    fetched_at: str,
) -> dict[str, list[dict[str, Any]]]:
    """The records of one country page, by dataset: its country_pages record (with the edition's
    provenance: report_year, report_slug, index_url, served_by, source_host), its sections and
    its enforcement figures."""
    page_key = {"report_year": edition["report_year"], "page_url": page_url, "country_name": narrative.country_name}
    page = {
        **edition,
        "page_url": page_url,
        "page_slug": page_slug,
        "raw_sha256": raw_sha256,
        "fetched_at": fetched_at,
        "country_name_in_report": narrative.country_name_in_report,
        "country_name": narrative.country_name,
        "heading": narrative.heading,
        "placement": narrative.placement,
        "movement_stated": narrative.movement_stated,
        "movement_stated_placement": narrative.movement_stated_placement,
        "movement_sentence": narrative.movement_sentence,
        "layout": narrative.layout,
        "section_count": len(narrative.sections),
        "parser_version": PARSER_VERSION,
    }
    return {
        "country_pages": [page],
        "sections": [{**page_key, **section} for section in narrative.sections],
        "enforcement_figures": [{**page_key, **figure} for figure in narrative.figures],
    }
