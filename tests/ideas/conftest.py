from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.ideas.models import Category, CustomerChannel, Idea
from portal.ideas.services.submitting import IdeaInput, submit_idea

BASE_URL = "http://portal.test"

IdeaFactory = Callable[..., Idea]


@pytest.fixture
def category(db: Session) -> Category:
    category = Category(name="Call handling")
    db.add(category)
    db.commit()
    return category


def complete_input(category: Category, title: str = "Call back instead of holding", **changes):
    values = {
        "title": title,
        "problem": "Members wait **20 minutes** on hold.",
        "solution": "Offer a call back when the queue is long.",
        "impact": "Shorter waits and fewer abandoned calls.",
        "channel": CustomerChannel.PHONE,
        "category_id": category.id,
    }
    return IdeaInput(**(values | changes))


@pytest.fixture
def make_idea(db: Session, category: Category) -> IdeaFactory:
    """Submit (or draft) an idea through the service and commit it."""

    def make(author: User, title: str = "Call back instead of holding", **kwargs) -> Idea:
        draft = kwargs.pop("draft", False)
        idea = submit_idea(db, author, complete_input(category, title, **kwargs), draft=draft)
        db.commit()
        return idea

    return make
