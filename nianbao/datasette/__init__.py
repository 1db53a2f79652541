"""nianbao's Datasette plugins, registered by the ``datasette`` entry points of ``pyproject.toml``:
``search`` (Chinese search, fast facets), ``downloads`` (whole tables as CSV / JSON),
``originals`` (the archived files and links to them), ``pages`` (how the pages read).
Their configuration is the ``nianbao`` block of the metadata ``publish`` writes."""
