"""The headless store: tables, the engine, queries and domain operations. Never imports Textual."""
