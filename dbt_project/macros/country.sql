{#-
    The normal form country spellings are matched in (int_country__aliases.alias_normalized):
      1. lower case;
      2. accents stripped (DuckDB strip_accents: Unicode canonical decomposition, combining
         marks dropped: 'Côte' -> 'cote', 'TÜRKİYE' -> 'turkiye');
      3. every run of characters other than a-z and 0-9 (spaces, punctuation, apostrophes of
         any kind, hyphens, parentheses, letters without an ASCII base such as 'ø') becomes
         one space;
      4. leading and trailing spaces trimmed.
    'Congo, Democratic Republic of the' -> 'congo democratic republic of the',
    'CÔTE D’IVOIRE' -> 'cote d ivoire', 'Timor-Leste' -> 'timor leste'.
    Python equivalent: unicodedata.normalize('NFD', s.lower()) without combining characters,
    then re.sub('[^a-z0-9]+', ' ', s).strip() (extractors.text.normalize_country_alias).
-#}
{% macro normalize_country_alias(expr) -%}
    trim(regexp_replace(strip_accents(lower({{ expr }})), '[^a-z0-9]+', ' ', 'g'))
{%- endmacro %}
