"""The briefing report's HTML (a Jinja2 template rendered with autoescape on).

Kept as a Python string so it ships with the package without package-data settings. No script,
no external stylesheet, font or image: the Content-Security-Policy below forbids loading
anything, so the file opens offline and as a mail attachment.
"""

TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="crossborder {{ version }}">
<title>crossborder briefing{% if demo %} (SAMPLE DATA){% endif %}</title>
<style>
  body { font-family: -apple-system, "Segoe UI", Roboto, "DejaVu Sans", "Liberation Sans", Arial, sans-serif;
         color: #1a1a1a; margin: 0 auto; max-width: 1000px; padding: 1.2rem 1.5rem 3rem; line-height: 1.45; }
  h1 { font-size: 1.6rem; margin: 0.2rem 0 0.3rem; }
  h2 { font-size: 1.25rem; margin: 2.2rem 0 0.6rem; border-bottom: 2px solid #0072B2; padding-bottom: 0.2rem; }
  h3 { font-size: 1rem; margin: 1rem 0 0.4rem; }
  .sample { background: #fff3cd; border: 1px solid #e0c060; padding: 0.4rem 0.7rem; font-weight: bold; }
  .meta { color: #555; font-size: 0.85rem; }
  .pass { color: #006b3c; font-weight: bold; }
  .fail { color: #b00020; font-weight: bold; }
  table { border-collapse: collapse; font-size: 0.82rem; margin: 0.4rem 0 1rem; width: 100%; }
  th, td { border-bottom: 1px solid #ddd; padding: 0.25rem 0.45rem; text-align: left; vertical-align: top; }
  th { background: #f3f5f7; }
  td.num { text-align: right; font-variant-numeric: tabular-nums; }
  td.url { word-break: break-all; color: #555; }
  figure.chart { margin: 1rem 0 1.6rem; }
  figure.chart svg { width: 100%; height: auto; display: block; }
  figcaption { font-size: 0.9rem; margin-top: 0.3rem; }
  .reading { font-weight: 600; }
  .skipped { color: #555; font-style: italic; background: #f6f6f6; padding: 0.5rem 0.7rem; }
  .section-error { color: #b00020; background: #fdecee; padding: 0.5rem 0.7rem; }
  details summary { cursor: pointer; color: #0072B2; }
  nav a { margin-right: 0.8rem; }
</style>
</head>
<body>
<header id="provenance">
  {% if demo %}<p class="sample">SAMPLE DATA: built by <code>crossborder run --demo</code> from the bundled offline mirror; the numbers are invented.</p>{% endif %}
  <h1>crossborder briefing</h1>
  <p class="meta">Report generated {{ generated_at }} from the warehouse published {{ published_at }} (<code>{{ warehouse }}</code>).</p>
  <nav>{% for s in sections %}<a href="#section-{{ s.key }}">{{ s.title }}</a>{% endfor %}</nav>

  <h2>Provenance</h2>
  <h3>Quality gate</h3>
  <p id="gate">
  {% if gate is none %}
    The quality gate has not run for this data directory.
  {% else %}
    <span class="{{ 'pass' if gate.passed else 'fail' }}">{{ 'PASSED' if gate.passed else 'FAILED' }}</span>
    at {{ gate.when }}: {{ gate.suites }} suites, {{ gate.expectations }} expectations evaluated,
    {{ gate.failures | length }} failure(s), {{ gate.warnings | length }} warning(s).
    {% if gate.docs_link %}Data Docs: <a href="{{ gate.docs_link }}">{{ gate.docs_path }}</a> (on the machine that built the warehouse).{% else %}Data Docs were not built.{% endif %}
  {% endif %}
  </p>
  {% if gate and (gate.failures or gate.warnings) %}
  <ul>{% for f in gate.failures %}<li class="fail">{{ f }}</li>{% endfor %}{% for w in gate.warnings %}<li>warning: {{ w }}</li>{% endfor %}</ul>
  {% endif %}

  <h3>Fetch health</h3>
  <table id="fetch-health">
    <thead><tr><th>source</th><th>state</th><th>URLs</th><th>what the ledger says</th></tr></thead>
    <tbody>
    {% for h in fetch_health %}
      <tr class="{{ h.state | replace(' ', '-') }}"><td>{{ h.source }}</td><td>{{ h.state }}</td><td class="num">{{ h.urls }}</td><td>{{ h.description }}</td></tr>
      {% for u in h.failing %}<tr class="failing-url"><td></td><td>{{ u.outcome }}</td><td class="num">{{ u.failures }}</td><td class="url">{{ u.url }}: {{ u.reason }} (last success: {{ u.since_success }})</td></tr>{% endfor %}
    {% endfor %}
    </tbody>
  </table>

  <h3>Inputs</h3>
  {% if inputs %}
  <table id="inputs">
    <thead><tr><th>source</th><th>release / edition / feed</th><th>fetches</th><th>distinct files</th><th>last fetched (UTC)</th><th>last HTTP status</th><th>in the warehouse</th></tr></thead>
    <tbody>
    {% for row in inputs %}
      <tr><td>{{ row.source }}</td><td>{{ row.input }}</td><td class="num">{{ row.fetches }}</td><td class="num">{{ row.objects }}</td>
          <td>{{ row.last_fetched }}</td><td class="num">{{ row.last_status }}</td><td>{{ row.note }}</td></tr>
    {% endfor %}
    </tbody>
  </table>
  {% else %}
  <p>No landing manifest found: nothing was fetched into this data directory.</p>
  {% endif %}

  <h3>Quarantined inputs</h3>
  {% if quarantined %}
  <p>{{ quarantined_total }} input(s) were set aside with a reason: the warehouse holds nothing of them, or, where a last good copy is named, that copy's data{% if quarantined_total > quarantined | length %} (first {{ quarantined | length }} shown){% endif %}.</p>
  <table id="quarantined">
    <thead><tr><th>source</th><th>input</th><th>reason</th><th>when</th><th>in the warehouse instead</th></tr></thead>
    <tbody>{% for q in quarantined %}<tr><td>{{ q.source }}</td><td class="url">{{ q.what }}</td><td>{{ q.reason }}</td><td>{{ q.when }}</td><td>{% if q.kept %}last good copy, landed {{ q.kept }}{% else %}nothing{% endif %}</td></tr>{% endfor %}</tbody>
  </table>
  {% else %}
  <p id="quarantined">None: every input landed was read.</p>
  {% endif %}
</header>

<main>
{% for s in sections %}
<section id="section-{{ s.key }}" class="report-section{% if s.skipped %} is-skipped{% endif %}">
  <h2>{{ s.title }}</h2>
  {% if s.error %}
  <p class="section-error">This section could not be drawn: {{ s.error }}</p>
  {% elif s.skipped %}
  <p class="skipped">Not shown: {{ s.skipped }}.</p>
  {% else %}
    {% for chart in s.charts %}
    <figure class="chart" id="chart-{{ chart.key }}">
      {{ chart.svg }}
      <figcaption><span class="reading">{{ chart.reading }}</span><br>
        <span class="meta">Source: {{ chart.source }}{% if demo %} (SAMPLE DATA: invented numbers, not the source's){% endif %}. Data as of {{ chart.as_of }}.</span></figcaption>
    </figure>
    {% endfor %}
    {% for note in s.notes %}<p class="note">{{ note }}</p>{% endfor %}
    {% for t in s.tables %}
    <table class="section-table">
      <caption>{{ t.caption }}</caption>
      <thead><tr>{% for h in t.header %}<th>{{ h }}</th>{% endfor %}</tr></thead>
      <tbody>
      {% for row in t.rows %}
        {% set link = t.links[loop.index0] if t.links else none %}
        <tr>{% for cell in row %}<td>{% if loop.first and link %}<a href="{{ link }}" rel="noopener noreferrer">{{ cell }}</a>{% else %}{{ cell }}{% endif %}</td>{% endfor %}</tr>
      {% endfor %}
      </tbody>
    </table>
    {% endfor %}
  {% endif %}
</section>
{% endfor %}
</main>
<footer class="meta"><p>crossborder {{ version }}. Every table and column is described in the dbt docs (<code>crossborder docs</code>).</p></footer>
</body>
</html>
"""  # noqa: E501 (HTML lines, kept whole for readability)
