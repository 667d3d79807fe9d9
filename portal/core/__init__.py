"""Core: what every domain uses, importing none of them: settings, database, web, errors, input."""
