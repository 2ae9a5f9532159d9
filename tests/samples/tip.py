"""Small TIP report pages for tests, built in code so each test states what it depends on.

The pages follow the live site's shape (see ../shared/README.md, tip section): site chrome around
an <h2> country heading, `CANADA: Tier 1` up to 2021 and `CANADA (Tier 1)` from 2022, a summary
with the movement sentence, then headed sections. The narrative text is invented.
"""

from __future__ import annotations

from html import escape

REPORT = "/reports/{year}-trafficking-in-persons-report/"
SLUG_EXCEPTIONS = {2019: "/reports/2019-trafficking-in-persons-report-2/"}

CHROME_TOP = """<header class="site-header"><nav><ul>
<li><a href="/">Home</a></li><li><a href="/reports/">Reports</a></li></ul></nav>
<p>An official website of the United States Government</p></header>"""
CHROME_BOTTOM = """<footer><ul><li><a href="/privacy/">Privacy Policy</a></li></ul>
<p>Office to Monitor and Combat Trafficking in Persons</p></footer>"""

DEFAULT_SECTIONS = {
    "PRIORITIZED RECOMMENDATIONS:": [
        "Increase investigations and prosecutions of labor trafficking.",
        "Train front-line officials on victim identification procedures.",
    ],
    "PROSECUTION": (
        "The government increased law enforcement efforts. The government reported investigating 31 cases "
        "(25 sex trafficking and six labor trafficking), prosecuting 19 defendants, and convicting 11 traffickers, "
        "compared with 20 investigations, 12 prosecutions, and nine convictions in the previous reporting period. "
        "Courts imposed sentences ranging from two to 15 years' imprisonment."
    ),
    "PROTECTION": (
        "The government maintained efforts to protect victims. Authorities identified 215 trafficking victims, "
        "an increase from 140 in the previous reporting period. The government funded two shelters."
    ),
    "PREVENTION": "The government maintained prevention efforts and funded a national hotline.",
    "TRAFFICKING PROFILE": (
        "As reported over the past five years, traffickers exploit domestic and foreign victims in the country."
    ),
}


def report_path(year: int) -> str:
    return SLUG_EXCEPTIONS.get(year, REPORT.format(year=year))


def heading(name: str, placement: str, year: int) -> str:
    """The heading as the edition writes it: `NAME: Tier 1` until 2021, `NAME (Tier 1)` from 2022."""
    return f"{name.upper()} ({placement})" if year >= 2022 else f"{name.upper()}: {placement}"


def summary(country: str, placement: str, movement: str = "remained on") -> str:
    return (
        f"The Government of {country} does not fully meet the minimum standards for the elimination of trafficking "
        f"but is making significant efforts to do so. The government demonstrated overall increasing efforts; "
        f"therefore {country} {movement} {placement}. These efforts included identifying more victims."
    )


def _section_html(title: str, body) -> str:
    if isinstance(body, list):
        items = "".join(f"<li>{escape(item)}</li>" for item in body)
        return f"<h3>{escape(title)}</h3><ul>{items}</ul>"
    return f"<h3>{escape(title)}</h3>" + "".join(f"<p>{escape(p)}</p>" for p in body.split("\n\n"))


def country_page(
    country: str,
    placement: str,
    year: int,
    *,
    heading_text: str | None = None,
    summary_text: str | None = None,
    sections: dict | None = None,
    before_heading: str = "",
    profile_first: str | None = None,
) -> str:
    """A country narrative page. profile_first: the pre-2017 layout (profile paragraph, no heading, first)."""
    heading_text = heading_text if heading_text is not None else heading(country, placement, year)
    parts = [f"<h2>{escape(heading_text)}</h2>"]
    if profile_first:
        parts.append(f"<p>{escape(profile_first)}</p>")
    parts.append(f"<p>{escape(summary_text or summary(country, placement))}</p>")
    for title, body in (DEFAULT_SECTIONS if sections is None else sections).items():
        parts.append(_section_html(title, body))
    return (
        f'<!DOCTYPE html><html lang="en"><head><title>{escape(country)} - United States Department of State</title>'
        f"<script>var tier = 'Tier 1';</script></head><body>{CHROME_TOP}<main><article>"
        f"<h1>{year} Trafficking in Persons Report: {escape(country)}</h1>{before_heading}"
        f'<div class="entry-content">{"".join(parts)}</div></article></main>{CHROME_BOTTOM}</body></html>'
    )


def index_page(year: int, slugs: list[str], *, extra_links: list[str] = ()) -> str:
    path = report_path(year)
    links = "".join(f'<li><a href="{path}{slug}/">{slug.replace("-", " ").title()}</a></li>' for slug in slugs)
    extras = "".join(f'<a href="{href}">{href}</a>' for href in extra_links)
    return (
        f"<!DOCTYPE html><html><head><title>{year} Trafficking in Persons Report</title></head><body>{CHROME_TOP}"
        f"<main><h1>{year} Trafficking in Persons Report</h1><p>{extras}</p><h2>Country Narratives</h2>"
        f'<ul class="country-list">{links}</ul></main>{CHROME_BOTTOM}</body></html>'
    )


def not_found(site, path: str) -> None:
    """Make the local site answer 404 at path (an unknown path would otherwise answer 500)."""
    site.httpserver.expect_request(path).respond_with_data("Not Found", status=404, content_type="text/html")


def publish_edition(site, year: int, pages: dict, *, prefix: str = "", extra_links: list[str] = ()) -> None:
    """Put an edition (index + country pages) on the site under prefix; a page None answers 404, a
    callable page is a werkzeug handler."""
    path = prefix + report_path(year)
    site.put(
        path,
        index_page(year, list(pages), extra_links=extra_links).replace(f'href="{report_path(year)}', f'href="{path}'),
        "text/html",
    )
    for slug, html in pages.items():
        if html is None:
            not_found(site, f"{path}{slug}/")
        elif callable(html):  # a werkzeug handler: request -> response
            site.httpserver.expect_request(f"{path}{slug}/").respond_with_handler(html)
        else:
            site.put(f"{path}{slug}/", html, "text/html")
