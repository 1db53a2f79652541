"""The archive's memory: the SQLite database and the original documents.

``store.database``  every table, index, trigger and view, as sqlite-utils migrations (the only
                    module that creates or changes the schema)
``store.writes``    ``Store``: every write the crawl and ``publish`` make, in one place
``store.archive``   ``Archive``: original bytes, content-addressed, never overwritten
``store.queue``     the single-writer queue of a distributed crawl (workers send, one process
                    writes to SQLite)

Below the crawler and publishing, above the parser: this package imports only ``parsers``.
"""
