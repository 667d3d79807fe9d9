from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, abort, current_app, flash, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from portal.accounts.access import admin_required, employee_required, manager_required
from portal.core.db import db_session, utcnow
from portal.core.errors import DomainError
from portal.core.extensions import htmx
from portal.core.forms import attach_error
from portal.core.inputs import parse_id
from portal.core.web import (
    redirect_to,
    render,
    safe_next,
    wants_fragment,
)
from portal.ideas import queries
from portal.ideas.cards import card_html
from portal.ideas.forms import (
    ActionForm,
    CampaignForm,
    CategoryForm,
    CommentForm,
    IdeaForm,
    InsightsForm,
    ReviewForm,
    status_choices,
)
from portal.ideas.insights import get_insights
from portal.ideas.links import idea_url
from portal.ideas.models import CustomerChannel, IdeaStatus
from portal.ideas.services.campaigns import CampaignInput, create_campaign, update_campaign
from portal.ideas.services.categories import add_category, set_category_active
from portal.ideas.services.comments import (
    add_comment,
    delete_comment,
    edit_comment,
    mark_official_response,
)
from portal.ideas.services.reviewing import ImpactInput, TransitionInput, transition_idea
from portal.ideas.services.submitting import IdeaInput, submit_idea, update_idea
from portal.ideas.services.voting import cast_vote, follow_idea, unfollow_idea, withdraw_vote

bp = Blueprint("ideas", __name__)
bp.add_app_template_global(idea_url)
bp.add_app_template_global(card_html)


def _enum_or_none(enum_class, value: str | None):
    try:
        return enum_class(value) if value else None
    except ValueError:
        return None


def feed_filters(args: MultiDict) -> queries.FeedFilters:
    return queries.FeedFilters(
        sort=_enum_or_none(queries.Sort, args.get("sort")) or queries.Sort.TRENDING,
        search=args.get("q", "")[:200],
        status=_enum_or_none(IdeaStatus, args.get("status")),
        category_id=parse_id(args.get("category")),
        channel=_enum_or_none(CustomerChannel, args.get("channel")),
        department_id=parse_id(args.get("department")),
        campaign_id=parse_id(args.get("campaign")),
        mine=args.get("mine") == "1",
        voted=args.get("voted") == "1",
    )


def feed_args(filters: queries.FeedFilters) -> dict[str, object]:
    """The filters as URL arguments, leaving out the defaults, for links and the next page."""
    pairs = {
        "sort": filters.sort.value if filters.sort is not queries.Sort.TRENDING else None,
        "q": filters.search or None,
        "status": filters.status.value if filters.status else None,
        "category": filters.category_id,
        "channel": filters.channel.value if filters.channel else None,
        "department": filters.department_id,
        "campaign": filters.campaign_id,
        "mine": "1" if filters.mine else None,
        "voted": "1" if filters.voted else None,
    }
    return {name: value for name, value in pairs.items() if value is not None}


@bp.get("/ideas")
@employee_required
def index():
    filters = feed_filters(request.args)
    found = queries.get_feed(
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
        sorts=list(queries.Sort),
        statuses=[status for status in IdeaStatus if status is not IdeaStatus.DRAFT],
        channels=list(CustomerChannel),
    )


def idea_input(form: IdeaForm) -> IdeaInput:
    return IdeaInput(
        title=form.title.data or "",
        problem=form.problem.data or "",
        solution=form.solution.data or "",
        impact=form.impact.data or "",
        channel=_enum_or_none(CustomerChannel, form.channel.data),
        category_id=parse_id(form.category.data),
        co_author_emails=tuple((form.co_authors.data or "").replace(";", ",").split(",")),
        campaign_id=form.campaign.data,
    )


def _idea_form(**kwargs) -> IdeaForm:
    session = db_session()
    form = IdeaForm(**kwargs)
    form.set_choices(
        queries.list_categories(session), queries.list_open_campaigns(session, current_user)
    )
    return form


@bp.route("/ideas/new", methods=["GET", "POST"])
@employee_required
def new_idea():
    form = _idea_form(data={"campaign": request.args.get("campaign", "")})
    if form.validate_on_submit():
        draft = bool(form.save_draft.data)
        try:
            idea = submit_idea(db_session(), current_user, idea_input(form), draft=draft)
        except DomainError as error:
            attach_error(form, error)
        else:
            flash("Draft saved." if draft else "Thank you! Your idea is submitted.", "success")
            return redirect_to(url_for("ideas.show", idea_id=idea.id))
    return render("ideas/form.html", form=form, idea=None)


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
    if form.validate_on_submit():
        try:
            update_idea(
                db_session(), current_user, idea_id, idea_input(form), submit=bool(form.submit.data)
            )
        except DomainError as error:
            attach_error(form, error)
        else:
            flash("Your changes are saved.", "success")
            return redirect_to(url_for("ideas.show", idea_id=idea_id))
    return render("ideas/form.html", form=form, idea=idea)


def _idea_page(idea_id: int, comments_cursor: str | None = None) -> queries.IdeaPage:
    page = queries.get_idea_page(db_session(), current_user, idea_id, comments_cursor)
    if page is None:
        abort(404)
    return page


def _review_form(page: queries.IdeaPage) -> ReviewForm:
    form = ReviewForm()
    form.status.choices = status_choices(page.next_statuses)
    return form


@bp.get("/ideas/<int:idea_id>")
@employee_required
def show(idea_id: int):
    if wants_fragment():
        return _earlier_comments(idea_id, request.args.get("comments"))
    page = _idea_page(idea_id, request.args.get("comments"))
    return render(
        "ideas/show.html",
        page=page,
        comment_form=CommentForm(formdata=None),
        review_form=_review_form(page),
        vote_form=ActionForm(),
    )


def _earlier_comments(idea_id: int, cursor: str | None):
    """htmx "Earlier comments": the next batch alone, not the whole idea page again."""
    thread = queries.list_idea_comments(db_session(), current_user, idea_id, cursor)
    if thread is None:
        abort(404)
    return render(
        "ideas/_comments.html",
        "ideas/_comments.html",
        idea=thread.idea,
        comments=thread.comments,
        reviewer=thread.reviewer,
        vote_form=ActionForm(),
    )


def _vote_fragment(idea_id: int):
    button = queries.get_vote_button(db_session(), current_user.id, idea_id)
    if button is None:
        abort(404)
    return render(
        "ideas/_vote.html",
        "ideas/_vote.html",
        idea=button.idea,
        voted=button.voted,
        own=button.own,
        vote_form=ActionForm(),
    )


@bp.post("/ideas/<int:idea_id>/vote")
@employee_required
def vote(idea_id: int):
    if ActionForm().validate_on_submit():
        cast_vote(db_session(), current_user, idea_id)
    return _after_vote(idea_id)


@bp.post("/ideas/<int:idea_id>/unvote")
@employee_required
def unvote(idea_id: int):
    if ActionForm().validate_on_submit():
        withdraw_vote(db_session(), current_user, idea_id)
    return _after_vote(idea_id)


def _after_vote(idea_id: int):
    if htmx:
        return _vote_fragment(idea_id)
    return redirect_to(safe_next(request.form.get("back"), url_for("ideas.show", idea_id=idea_id)))


@bp.post("/ideas/<int:idea_id>/follow")
@employee_required
def follow(idea_id: int):
    if ActionForm().validate_on_submit():
        follow_idea(db_session(), current_user, idea_id)
        flash("You will be told about changes to this idea.", "success")
    return redirect_to(url_for("ideas.show", idea_id=idea_id))


@bp.post("/ideas/<int:idea_id>/unfollow")
@employee_required
def unfollow(idea_id: int):
    if ActionForm().validate_on_submit():
        unfollow_idea(db_session(), current_user, idea_id)
        flash("You no longer follow this idea.", "success")
    return redirect_to(url_for("ideas.show", idea_id=idea_id))


@bp.post("/ideas/<int:idea_id>/comments")
@employee_required
def comment(idea_id: int):
    form = CommentForm()
    if form.validate_on_submit():
        try:
            created = add_comment(
                db_session(),
                current_user,
                idea_id,
                form.body.data,
                base_url=current_app.config["BASE_URL"],
            )
        except DomainError as error:
            if error.field is None:
                raise
            attach_error(form, error)
        else:
            return redirect_to(url_for("ideas.show", idea_id=idea_id) + f"#comment-{created.id}")
    page = _idea_page(idea_id)
    return render(
        "ideas/show.html",
        status=422,
        page=page,
        comment_form=form,
        review_form=_review_form(page),
        vote_form=ActionForm(),
    )


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@employee_required
def edit_comment_page(comment_id: int):
    found = queries.get_comment(db_session(), comment_id)
    if found is None:
        abort(404)
    if found.author_id != current_user.id:
        abort(403)
    form = CommentForm(data={"body": found.body} if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            edit_comment(db_session(), current_user, comment_id, form.body.data)
        except DomainError as error:
            if error.field is None:
                raise
            attach_error(form, error)
        else:
            return redirect_to(_comment_url(found.idea_id, comment_id))
    return render("ideas/comment_form.html", form=form, comment=found)


def _comment_url(idea_id: int, comment_id: int) -> str:
    """The idea page at the batch of comments that starts with this one: an older comment is
    not among the newest 50."""
    cursor = queries.comments_from(comment_id)
    return url_for("ideas.show", idea_id=idea_id, comments=cursor) + f"#comment-{comment_id}"


@bp.post("/comments/<int:comment_id>/delete")
@employee_required
def delete_comment_page(comment_id: int):
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    removed = delete_comment(db_session(), current_user, comment_id)
    flash("Your comment is deleted.", "success")
    return redirect_to(url_for("ideas.show", idea_id=removed.idea_id))


@bp.post("/comments/<int:comment_id>/official")
@employee_required
def mark_official(comment_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    marked = mark_official_response(
        db_session(), current_user, comment_id, base_url=current_app.config["BASE_URL"]
    )
    return redirect_to(_comment_url(marked.idea_id, marked.id))


def transition_input(form: ReviewForm) -> TransitionInput:
    status = _enum_or_none(IdeaStatus, form.status.data)
    if status is None:
        raise DomainError("Choose a status.", field="status")
    impact = None
    if status is IdeaStatus.IMPLEMENTED:
        impact = ImpactInput(
            what_was_done=form.what_was_done.data or "",
            measure=form.measure.data or "",
            unit=form.unit.data or "",
            before=form.before.data,
            after=form.after.data,
            measured_on=form.measured_on.data,
        )
    return TransitionInput(
        to_status=status,
        note=form.note.data or "",
        duplicate_of_id=form.duplicate_of.data,
        owner_email=form.owner.data or "",
        impact=impact,
    )


@bp.post("/ideas/<int:idea_id>/status")
@manager_required
def update_status(idea_id: int):
    form = ReviewForm()
    if form.validate_on_submit():
        try:
            transition_idea(
                db_session(),
                current_user,
                idea_id,
                transition_input(form),
                base_url=current_app.config["BASE_URL"],
            )
        except DomainError as error:
            if error.field is None:
                raise
            attach_error(form, error)
        else:
            flash("The status is updated.", "success")
            return redirect_to(url_for("ideas.show", idea_id=idea_id))
    page = _idea_page(idea_id)
    form.status.choices = status_choices(page.next_statuses)
    return render(
        "ideas/show.html",
        status=422,
        page=page,
        comment_form=CommentForm(formdata=None),
        review_form=form,
        vote_form=ActionForm(),
    )


@bp.get("/ideas/review")
@manager_required
def review():
    page = queries.list_review_queue(
        db_session(),
        current_user,
        target_days=current_app.config["IDEA_RESPONSE_TARGET_DAYS"],
        cursor=request.args.get("after"),
        limit=current_app.config["PAGE_SIZE"],
    )
    return render(
        "ideas/review.html",
        page=page,
        target_days=current_app.config["IDEA_RESPONSE_TARGET_DAYS"],
    )


@bp.get("/ideas/similar")
@employee_required
def similar():
    ideas = queries.list_similar_ideas(db_session(), current_user.id, request.args.get("title", ""))
    return render(
        "ideas/_similar.html", "ideas/_similar.html", similar=ideas, vote_form=ActionForm()
    )


def campaign_input(form: CampaignForm) -> CampaignInput:
    return CampaignInput(
        question=form.question.data or "",
        description=form.description.data or "",
        starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
        department_id=parse_id(form.department.data),
    )


@bp.get("/ideas/campaigns")
@employee_required
def campaigns():
    return render("ideas/campaigns.html", campaigns=queries.list_campaigns(db_session()))


@bp.get("/ideas/campaigns/<int:campaign_id>")
@employee_required
def campaign(campaign_id: int):
    session = db_session()
    found = queries.get_campaign(session, campaign_id)
    if found is None:
        abort(404)
    filters = queries.FeedFilters(sort=queries.Sort.TOP, campaign_id=campaign_id)
    page = queries.list_ideas(
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
        vote_form=ActionForm(),
        today=utcnow().date(),
    )


def _campaign_form(**kwargs) -> CampaignForm:
    form = CampaignForm(**kwargs)
    form.set_departments(queries.list_departments(db_session()))
    return form


@bp.route("/ideas/campaigns/new", methods=["GET", "POST"])
@admin_required
def new_campaign():
    form = _campaign_form()
    if form.validate_on_submit():
        try:
            created = create_campaign(db_session(), current_user, campaign_input(form))
        except DomainError as error:
            attach_error(form, error)
        else:
            flash("The campaign is saved.", "success")
            return redirect_to(url_for("ideas.campaign", campaign_id=created.id))
    return render("ideas/campaign_form.html", form=form, found=None)


@bp.route("/ideas/campaigns/<int:campaign_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_campaign(campaign_id: int):
    found = queries.get_campaign(db_session(), campaign_id)
    if found is None:
        abort(404)
    current = found.campaign
    form = _campaign_form(
        data={
            "question": current.question,
            "description": current.description,
            "starts_on": current.starts_on,
            "ends_on": current.ends_on,
            "department": str(current.department_id or ""),
        }
        if request.method == "GET"
        else None
    )
    if form.validate_on_submit():
        try:
            update_campaign(db_session(), current_user, campaign_id, campaign_input(form))
        except DomainError as error:
            attach_error(form, error)
        else:
            flash("The campaign is saved.", "success")
            return redirect_to(url_for("ideas.campaign", campaign_id=campaign_id))
    return render("ideas/campaign_form.html", form=form, found=found)


DEFAULT_INSIGHT_DAYS = 90


def insights_period(form: InsightsForm) -> tuple[date, date]:
    """The dates asked for; a refused one keeps what was typed, its message, and the default."""
    form.validate()
    end = (None if form.end.errors else form.end.data) or utcnow().date()
    start = (None if form.start.errors else form.start.data) or end - timedelta(
        days=DEFAULT_INSIGHT_DAYS - 1
    )
    start, end = min(start, end), max(start, end)
    for field, shown in ((form.start, start), (form.end, end)):
        if not field.errors:
            field.raw_data, field.data = None, shown
    return start, end


@bp.get("/ideas/insights")
@employee_required
def insights():
    form = InsightsForm(request.args)
    start, end = insights_period(form)
    return render("ideas/insights.html", form=form, insights=get_insights(db_session(), start, end))


@bp.route("/ideas/categories", methods=["GET", "POST"])
@admin_required
def categories():
    form = CategoryForm()
    if form.validate_on_submit():
        try:
            added = add_category(db_session(), current_user, form.name.data)
        except DomainError as error:
            attach_error(form, error)
        else:
            flash(f"Category “{added.name}” added.", "success")
            return redirect_to(url_for("ideas.categories"))
    return render(
        "ideas/categories.html",
        form=form,
        categories=queries.list_categories(db_session(), include_retired=True),
        action_form=ActionForm(),
    )


@bp.post("/ideas/categories/<int:category_id>/active")
@admin_required
def toggle_category(category_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    set_category_active(db_session(), current_user, category_id, request.form.get("active") == "1")
    return redirect_to(url_for("ideas.categories"))
