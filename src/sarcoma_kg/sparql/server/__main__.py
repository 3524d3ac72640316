"""``python -m sarcoma_kg.sparql.server CONFIG_JSON``: the server process that ``serve`` starts."""

if __name__ == "__main__":
    import sys

    from sarcoma_kg.sparql.server.app import main

    sys.exit(main())
