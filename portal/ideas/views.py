"""The idea pages: the feed, an idea with its votes, comments and review, the reviewers'
queue, campaigns and insights. The admin pages of ideas live in site/admin/ideas.py."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, request, url_for
from flask_login import current_user

from portal.accounts.access import employee_required, manager_required
from portal.core.db import db_session, utcnow
from portal.core.extensions import htmx
from portal.core.forms import ButtonForm, run_form
from portal.core.inputs import parse_id
from portal.core.web import redirect_to, render, safe_next, wants_fragment
from portal.ideas.cards import card_html
from portal.ideas.forms import (
    CommentForm,
    IdeaForm,
    InsightsForm,
    ReviewForm,
    feed_args,
    feed_filters,
    status_choices,
)
from portal.ideas.links import idea_url, recognition_url
from portal.ideas.models import Comment, CustomerChannel, IdeaStatus
from portal.ideas.queries.campaigns import get_campaign, list_campaigns
from portal.ideas.queries.choices import list_categories, list_open_campaigns
from portal.ideas.queries.feed import FeedFilters, Sort, get_feed, list_ideas
from portal.ideas.queries.idea_page import (
    IdeaPage,
    get_comment,
    get_idea_page,
    get_thread_cursor,
    get_vote_button,
    list_idea_comments,
)
from portal.ideas.queries.insights import get_insights
from portal.ideas.queries.owners import list_owner_choices
from portal.ideas.queries.review_queue import list_review_queue
from portal.ideas.queries.similar import SimilarIdea, list_similar_ideas
from portal.ideas.services.comments import (
    add_comment,
    delete_comment,
    edit_comment,
    mark_official_response,
)
from portal.ideas.services.reviewing import transition_idea
from portal.ideas.services.submitting import submit_idea, update_idea
from portal.ideas.services.voting import cast_vote, follow_idea, unfollow_idea, withdraw_vote

bp = Blueprint("ideas", __name__)
bp.add_app_template_global(idea_url)
bp.add_app_template_global(card_html)
bp.add_app_template_global(recognition_url)


# --- the feed ---------------------------------------------------------------------------------


@bp.get("/ideas")
@employee_required
def index():
    filters = feed_filters(request.args)
    found = get_feed(
        db_session(),
        current_user.id,
        filters,
        cursor=request.args.get("after"),
        limit=current_app.config["PAGE_SIZE"],
        with_choices=not wants_fragment(),
    )
    return render(
        "ideas/index.html",
        "ideas/_feed.html",
        page=found.page,
        choices=found.choices,
        filters=filters,
        args=feed_args(filters),
        sorts=list(Sort),
        statuses=[status for status in IdeaStatus if status is not IdeaStatus.DRAFT],
        channels=list(CustomerChannel),
    )


@bp.get("/ideas/similar")
@employee_required
def similar():
    ideas = list_similar_ideas(
        db_session(),
        current_user.id,
        request.args.get("title", "")[:200],
        request.args.get("problem", "")[:2000],
        exclude_id=parse_id(request.args.get("exclude")),
    )
    return render("ideas/_similar.html", "ideas/_similar.html", similar=ideas, idea=None)


# --- writing an idea --------------------------------------------------------------------------


def _idea_form(**kwargs) -> IdeaForm:
    session = db_session()
    form = IdeaForm(**kwargs)
    form.set_choices(list_categories(session), list_open_campaigns(session, current_user))
    return form


@bp.route("/ideas/new", methods=["GET", "POST"])
@employee_required
def new_idea():
    form = _idea_form(data={"campaign": request.args.get("campaign", "")})
    similar = _similar_before_posting(form)
    if similar:
        return render("ideas/form.html", form=form, idea=None, similar=similar, confirming=True)

    def submit() -> Response:
        draft = not form.submitting
        idea = submit_idea(db_session(), current_user, form.idea_input(), draft=draft)
        flash("Draft saved." if draft else "Thank you! Your idea is submitted.", "success")
        return redirect_to(url_for("ideas.show", idea_id=idea.id))

    return run_form(form, submit) or render(
        "ideas/form.html", form=form, idea=None, similar=[], confirming=False
    )


def _similar_before_posting(form: IdeaForm) -> list[SimilarIdea]:
    """Without JavaScript, close matches come as a step before a new idea is posted."""
    if not (form.validate_on_submit() and form.asks_about_similar):
        return []
    found = list_similar_ideas(db_session(), current_user.id, *form.similar_text())
    form.similar_seen.data = "1"
    return found


@bp.route("/ideas/<int:idea_id>/edit", methods=["GET", "POST"])
@employee_required
def edit(idea_id: int):
    page = _idea_page(idea_id)
    if not page.editable:
        abort(403)
    idea = page.idea
    form = _idea_form(
        data={
            "title": idea.title,
            "problem": idea.problem,
            "solution": idea.solution,
            "impact": idea.impact,
            "channel": idea.channel.value if idea.channel else "",
            "category": str(idea.category_id or ""),
            "co_authors": ", ".join(person.email for person in page.co_authors),
            "campaign": str(idea.campaign_id or ""),
        }
        if request.method == "GET"
        else None
    )

    def save() -> Response:
        submit = bool(form.submit.data)
        update_idea(db_session(), current_user, idea_id, form.idea_input(), submit=submit)
        flash("Your changes are saved.", "success")
        return redirect_to(url_for("ideas.show", idea_id=idea_id))

    return run_form(form, save) or render(
        "ideas/form.html", form=form, idea=idea, similar=[], confirming=False
    )


# --- the idea page ----------------------------------------------------------------------------


def _idea_page(idea_id: int, comments_cursor: str | None = None) -> IdeaPage:
    page = get_idea_page(db_session(), current_user, idea_id, comments_cursor)
    if page is None:
        abort(404)
    return page


def _show(
    page: IdeaPage, comment_form: CommentForm, review_form: ReviewForm, status: int = 200
) -> Response:
    """The idea page; a refused comment or status change draws it again with the form's errors."""
    review_form.status.choices = status_choices(page.next_statuses)
    return render(
        "ideas/show.html",
        status=status,
        page=page,
        comment_form=comment_form,
        review_form=review_form,
        vote_form=ButtonForm(),
    )


@bp.get("/ideas/<int:idea_id>")
@employee_required
def show(idea_id: int):
    if wants_fragment():
        return _earlier_comments(idea_id, request.args.get("comments"))
    page = _idea_page(idea_id, request.args.get("comments"))
    return _show(page, CommentForm(formdata=None), ReviewForm(data={"owner": current_user.email}))


def _earlier_comments(idea_id: int, cursor: str | None) -> Response:
    """htmx "Earlier comments": the next batch alone, not the whole idea page again."""
    thread = list_idea_comments(db_session(), current_user, idea_id, cursor)
    if thread is None:
        abort(404)
    return render(
        "ideas/_comments.html",
        "ideas/_comments.html",
        idea=thread.idea,
        comments=thread.comments,
        reviewer=thread.reviewer,
        vote_form=ButtonForm(),
    )


# --- votes and follows ------------------------------------------------------------------------


@bp.post("/ideas/<int:idea_id>/vote")
@employee_required
def vote(idea_id: int):
    if ButtonForm().validate_on_submit():
        cast_vote(db_session(), current_user, idea_id)
    return _after_vote(idea_id)


@bp.post("/ideas/<int:idea_id>/unvote")
@employee_required
def unvote(idea_id: int):
    if ButtonForm().validate_on_submit():
        withdraw_vote(db_session(), current_user, idea_id)
    return _after_vote(idea_id)


def _after_vote(idea_id: int) -> Response:
    if htmx and request.form.get("similar"):
        return _similar_item_fragment(idea_id)
    if htmx:
        return _vote_fragment(idea_id)
    return redirect_to(safe_next(request.form.get("back"), url_for("ideas.show", idea_id=idea_id)))


def _vote_fragment(idea_id: int) -> Response:
    button = get_vote_button(db_session(), current_user.id, idea_id)
    if button is None:
        abort(404)
    return render(
        "ideas/_vote.html",
        "ideas/_vote.html",
        idea=button.idea,
        voted=button.voted,
        own=button.own,
        vote_form=ButtonForm(),
    )


def _similar_item_fragment(idea_id: int) -> Response:
    """A vote from the similar ideas beside the idea form redraws that line of the list."""
    button = get_vote_button(db_session(), current_user.id, idea_id)
    if button is None:
        abort(404)
    idea = button.idea
    item = SimilarIdea(idea.id, idea.title, idea.status, idea.vote_count, button.voted, button.own)
    return render("ideas/_similar_item.html", "ideas/_similar_item.html", item=item, voted_now=True)


@bp.post("/ideas/<int:idea_id>/follow")
@employee_required
def follow(idea_id: int):
    if ButtonForm().validate_on_submit():
        follow_idea(db_session(), current_user, idea_id)
        flash("You will be told about changes to this idea.", "success")
    return redirect_to(url_for("ideas.show", idea_id=idea_id))


@bp.post("/ideas/<int:idea_id>/unfollow")
@employee_required
def unfollow(idea_id: int):
    if ButtonForm().validate_on_submit():
        unfollow_idea(db_session(), current_user, idea_id)
        flash("You no longer follow this idea.", "success")
    return redirect_to(url_for("ideas.show", idea_id=idea_id))


# --- comments ---------------------------------------------------------------------------------


@bp.post("/ideas/<int:idea_id>/comments")
@employee_required
def comment(idea_id: int):
    form = CommentForm()

    def post() -> Response:
        created = add_comment(
            db_session(),
            current_user,
            idea_id,
            form.body.data or "",
            base_url=current_app.config["BASE_URL"],
            reply_to=parse_id(form.parent.data),
        )
        return redirect_to(_comment_url(created))

    done = run_form(form, post, fieldless_to_error_page=True)
    return done or _show(_idea_page(idea_id), form, ReviewForm(), status=422)


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@employee_required
def edit_comment_page(comment_id: int):
    found = get_comment(db_session(), comment_id)
    if found is None:
        abort(404)
    if found.author_id != current_user.id:
        abort(403)
    form = CommentForm(data={"body": found.body} if request.method == "GET" else None)

    def save() -> Response:
        edit_comment(db_session(), current_user, comment_id, form.body.data or "")
        return redirect_to(_comment_url(found))

    done = run_form(form, save, fieldless_to_error_page=True)
    return done or render("ideas/comment_form.html", form=form, comment=found)


def _comment_url(comment: Comment) -> str:
    """The idea page at the comment, on the page of threads that holds its thread."""
    thread_id = comment.parent_id or comment.id
    cursor = get_thread_cursor(db_session(), comment.idea_id, thread_id)
    return (
        url_for("ideas.show", idea_id=comment.idea_id, comments=cursor) + f"#comment-{comment.id}"
    )


@bp.post("/comments/<int:comment_id>/delete")
@employee_required
def delete_comment_page(comment_id: int):
    if not ButtonForm().validate_on_submit():
        abort(400)
    removed = delete_comment(db_session(), current_user, comment_id)
    flash("Your comment is deleted.", "success")
    return redirect_to(url_for("ideas.show", idea_id=removed.idea_id))


@bp.post("/comments/<int:comment_id>/official")
@employee_required
def mark_official(comment_id: int):
    if not ButtonForm().validate_on_submit():
        abort(400)
    marked = mark_official_response(
        db_session(), current_user, comment_id, base_url=current_app.config["BASE_URL"]
    )
    return redirect_to(_comment_url(marked))


# --- review -----------------------------------------------------------------------------------


@bp.post("/ideas/<int:idea_id>/status")
@manager_required
def update_status(idea_id: int):
    form = ReviewForm()

    def change() -> Response:
        transition_idea(
            db_session(),
            current_user,
            idea_id,
            form.transition_input(),
            base_url=current_app.config["BASE_URL"],
        )
        flash("The status is updated.", "success")
        return redirect_to(url_for("ideas.show", idea_id=idea_id))

    done = run_form(form, change, fieldless_to_error_page=True)
    return done or _show(_idea_page(idea_id), CommentForm(formdata=None), form, status=422)


@bp.get("/ideas/owners")
@manager_required
def owner_choices():
    """The review form's type-ahead for the owner: people matching what was typed."""
    people = list_owner_choices(db_session(), request.args.get("owner", ""))
    return render("ideas/_owners.html", "ideas/_owners.html", people=people)


@bp.get("/ideas/review")
@manager_required
def review():
    target_days = current_app.config["IDEA_RESPONSE_TARGET_DAYS"]
    page = list_review_queue(
        db_session(),
        current_user,
        target_days=target_days,
        cursor=request.args.get("after"),
        limit=current_app.config["PAGE_SIZE"],
    )
    return render("ideas/review.html", page=page, target_days=target_days)


# --- campaigns and insights -------------------------------------------------------------------


@bp.get("/ideas/campaigns")
@employee_required
def campaigns():
    return render("ideas/campaigns.html", campaigns=list_campaigns(db_session()))


@bp.get("/ideas/campaigns/<int:campaign_id>")
@employee_required
def campaign(campaign_id: int):
    session = db_session()
    found = get_campaign(session, campaign_id)
    if found is None:
        abort(404)
    filters = FeedFilters(sort=Sort.TOP, campaign_id=campaign_id)
    page = list_ideas(
        session,
        current_user.id,
        filters,
        cursor=request.args.get("after"),
        limit=current_app.config["PAGE_SIZE"],
    )
    return render(
        "ideas/campaign.html",
        found=found,
        page=page,
        args=feed_args(filters),
        vote_form=ButtonForm(),
        today=utcnow().date(),
    )


@bp.get("/ideas/insights")
@employee_required
def insights():
    form = InsightsForm(request.args)
    start, end = form.period()
    return render("ideas/insights.html", form=form, insights=get_insights(db_session(), start, end))
