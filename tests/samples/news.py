"""Small feeds, GDELT answers and pages for the news tests (invented content), and hostile inputs."""

from __future__ import annotations

import json
from pathlib import Path
from xml.sax.saxutils import escape

import yaml

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "news"


def rss(items: list[dict], title: str = "Test feed", language: str = "en-us", prolog: str = "") -> bytes:
    """An RSS 2.0 document; each item dict may have title, link, description, pubDate, guid."""
    parts = []
    for item in items:
        fields = "".join(f"<{key}>{escape(str(value))}</{key}>" for key, value in item.items() if value is not None)
        parts.append(f"<item>{fields}</item>")
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}\n<rss version="2.0"><channel><title>{escape(title)}</title>'
        f"<link>https://example.org/</link><description>d</description><language>{language}</language>"
        + "".join(parts)
        + "</channel></rss>"
    ).encode("utf-8")


def atom(entries: list[dict], lang: str = "en") -> bytes:
    """An Atom document; each entry dict may have title, link, summary, published, id."""
    parts = []
    for entry in entries:
        link = (
            f'<link rel="alternate" href="{escape(entry["link"], {chr(34): "&quot;"})}"/>' if entry.get("link") else ""
        )
        parts.append(
            f"<entry><title>{escape(entry.get('title', ''))}</title>{link}"
            + f"<id>{escape(entry.get('id', entry.get('link', 'urn:x')))}</id>"
            + (f"<published>{entry['published']}</published>" if entry.get("published") else "")
            + (f"<summary>{escape(entry['summary'])}</summary>" if entry.get("summary") else "")
            + "</entry>"
        )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{lang}">'
        "<title>t</title><id>urn:feed</id><updated>2024-01-01T00:00:00Z</updated>" + "".join(parts) + "</feed>"
    ).encode()


def gdelt(articles: list[dict]) -> bytes:
    return json.dumps({"articles": articles}).encode()


def page(title: str, paragraphs: list[str], canonical: str | None = None) -> bytes:
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html><head><title>{title}</title>{link}</head><body><nav>Home | News</nav>"
        f"<article><h1>{title}</h1>{body}</article><footer>Footer</footer></body></html>"
    ).encode()


def feeds_file(path: Path, feeds: list[dict], gdelt_queries: list[dict] | None = None, **extra) -> Path:
    """Write a feeds YAML (as CROSSBORDER_NEWS_CONFIG would name) and return its path."""
    document = {"feeds": feeds, **extra}
    if gdelt_queries:
        document["gdelt"] = {"base_url": "https://api.gdeltproject.org", "timespan": "1d", "queries": gdelt_queries}
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


# -- hostile inputs ------------------------------------------------------------------------------
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>bomb</title>
<item><title>&lol9;</title><link>https://example.org/bomb</link></item>
</channel></rss>"""


def external_entity_feed(secret_file: Path) -> bytes:
    """An RSS feed whose item title pulls in a local file through an external entity (XXE)."""
    return f"""<?xml version="1.0"?>
<!DOCTYPE rss [ <!ENTITY secret SYSTEM "file://{secret_file}"> ]>
<rss version="2.0"><channel><title>xxe</title>
<item><title>Leak: &secret;</title><link>https://example.org/xxe</link><description>&secret;</description></item>
</channel></rss>""".encode()


MALFORMED = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>broken</title>'
    b"<item><title>Unclosed</item></channel></rss>"
)

SCRIPT_TITLE = "<script>alert('x')</script> Smuggling suspects held at border"
