"""``sarcoma-kg page``: the tumour-board web page.

* :mod:`.check`  – one submitted patient → the product's answer (``validate`` and ``recommend``), nothing kept;
* :mod:`.html`   – that answer as an HTML page, every term and study a link;
* :mod:`.app`    – the Starlette application: the form, the check, the term pages, the upload limit.
"""
