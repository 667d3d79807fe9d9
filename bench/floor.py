"""The floor: the least a page listing 25 ideas can cost on this server and database.

One indexed query (ideas by vote count, the index the feed's Top sort uses) and a trivial
template, served by the same gunicorn settings as the portal: `gunicorn bench.floor:app`.
"""

from __future__ import annotations

import os

from flask import Flask, render_template_string
from sqlalchemy import text

from portal.core.db import make_engine
from portal.core.instrumentation import count_statements_per_request

PAGE = """<!doctype html><title>Floor</title><ol>
{% for idea in ideas %}
<li><a href="/ideas/{{ idea.id }}">{{ idea.title }}</a> {{ idea.vote_count }}</li>
{% endfor %}</ol>"""

app = Flask(__name__)
engine = make_engine(os.environ["PORTAL_DATABASE_URL"])
count_statements_per_request(app, engine)


@app.get("/")
def ideas():
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT id, title, vote_count FROM ideas ORDER BY vote_count DESC, id DESC LIMIT 25"
            )
        ).all()
    return render_template_string(PAGE, ideas=rows)
