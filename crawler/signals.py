"""The crawler's own signal: a URL that could not be fetched or read (``url``, ``kind``,
``detail``, ``spider``). ``crawler.extensions.StoreExtension`` records it in ``failures``."""
document_failed = object()
