from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from portal.accounts.access import employee_required
from portal.core.db import db_session
from portal.core.errors import DomainError
from portal.core.forms import run_form
from portal.core.web import redirect_to, render, wants_fragment
from portal.recognition.cycles import find_open_cycle
from portal.recognition.forms import (
    AwardCommentForm,
    CelebrateForm,
    DecisionForm,
    NominationForm,
    PrivacyForm,
    ResubmitForm,
    WithdrawForm,
    split_emails,
)
from portal.recognition.queries.approvals import get_approvals_page
from portal.recognition.queries.catalogue import list_colleagues
from portal.recognition.queries.nominating import (
    NominationChoices,
    clean_evidence,
    get_nomination_choices,
)
from portal.recognition.queries.sent import get_sent_page
from portal.recognition.queries.wall import get_wall_award, list_wall
from portal.recognition.services.deciding import (
    Decision,
    decide_nomination,
    resubmit_nomination,
    withdraw_nomination,
)
from portal.recognition.services.nominating import NominationRequest, nominate
from portal.recognition.services.privacy import set_recognition_privacy
from portal.recognition.services.social import celebrate, comment_on_award
from portal.recognition.services.state import AlreadyDecided

bp = Blueprint("recognition", __name__, url_prefix="/recognition")


def award_choices(choices: NominationChoices) -> list[SelectChoice]:
    return [SelectChoice(award.id, award.name) for award in choices.awards]


def prefill(form: NominationForm, choices: NominationChoices) -> None:
    """Fill in what a Recognise link asked for: the colleagues it named that exist, and the
    evidence (an implemented idea's impact, say)."""
    if choices.prefilled:
        form.colleague.data = choices.prefilled[0].email
        form.team.data = ", ".join(person.email for person in choices.prefilled[1:])
    form.citation.data = clean_evidence(request.args.get("evidence")) or None


@bp.get("")
@employee_required
def wall():
    page = list_wall(
        db_session(),
        current_user,
        cursor=request.args.get("after"),
        limit=current_app.config["PAGE_SIZE"],
    )
    return render(
        "recognition/wall.html",
        "recognition/_wall_items.html",
        page=page,
        celebrate_form=CelebrateForm(),
        comment_form=AwardCommentForm(),
    )


def on_the_wall(nomination_id: int) -> str:
    return url_for("recognition.wall") + f"#nomination-{nomination_id}"


@bp.post("/awards/<int:nomination_id>/celebrate")
@employee_required
def celebrate_award(nomination_id: int):
    form = CelebrateForm()
    if not form.validate_on_submit():
        raise DomainError("That celebration could not be read. Reload the page and try again.")
    state = celebrate(
        db_session(), current_user, nomination_id, celebrating=form.celebrate.data == "1"
    )
    if wants_fragment():
        return render("recognition/_celebrate.html", state=state, celebrate_form=form)
    return redirect_to(on_the_wall(nomination_id))


@bp.post("/awards/<int:nomination_id>/comments")
@employee_required
def comment_award(nomination_id: int):
    form = AwardCommentForm()
    if not form.validate_on_submit():
        raise DomainError("That comment could not be read. Reload the page and try again.")
    error: DomainError | None = None
    try:
        comment_on_award(db_session(), current_user, nomination_id, form.comment.data or "")
    except DomainError as refused:
        if refused.field is None:
            raise
        error = refused
    if wants_fragment():
        # htmx swaps only a 2xx answer: the refusal travels inside the fragment.
        return render(
            "recognition/_award_comments.html",
            item=get_wall_award(db_session(), current_user, nomination_id),
            error=error,
            typed=(form.comment.data or "")[:280] if error else "",
        )
    if error is not None:
        flash(error.message, "error")
    else:
        flash("Your comment was posted.", "success")
    return redirect_to(on_the_wall(nomination_id))


def request_from(form: NominationForm) -> NominationRequest:
    return NominationRequest(
        colleague_email=form.colleague.data or "",
        team_emails=split_emails(form.team.data),
        award_id=form.award.data or None,
        traits=form.traits.data or [],
        citation=form.citation.data or "",
        confidential_note=form.confidential_note.data or "",
        evidence_reference=form.evidence_reference.data or "",
        customer_words=form.customer_words.data or "",
    )


@bp.route("/nominate", methods=["GET", "POST"])
@employee_required
def nominate_colleague():
    asked = request.args.getlist("colleague") if request.method == "GET" else []
    choices = get_nomination_choices(db_session(), current_user, asked)
    form = NominationForm()
    form.award.choices = award_choices(choices)
    if request.method == "GET":
        prefill(form, choices)

    def send() -> Response:
        session = db_session()
        created = nominate(
            session,
            current_user,
            request_from(form),
            find_open_cycle(session),
            monthly_limit=current_app.config["NOMINATION_MONTHLY_LIMIT"],
            base_url=current_app.config["BASE_URL"],
        )
        people = "person" if len(created) == 1 else "people"
        flash(
            f"Thank you! Your nomination ({len(created)} {people}) was sent for approval.",
            "success",
        )
        return redirect_to(url_for("recognition.sent"))

    return run_form(form, send) or render("recognition/nominate.html", form=form, choices=choices)


@bp.get("/colleagues")
@employee_required
def colleagues():
    search = request.args.get("colleague") or request.args.get("q") or ""
    people = list_colleagues(db_session(), search)
    return render(
        "recognition/colleagues.html",
        "recognition/_colleague_options.html",
        people=people,
        search=search,
    )


@bp.get("/approvals")
@employee_required
def approvals():
    queue = get_approvals_page(
        db_session(),
        current_user.id,
        cursor=request.args.get("after"),
        limit=current_app.config["PAGE_SIZE"],
    )
    return render("recognition/approvals.html", queue=queue, errors={}, typed={})


@bp.post("/approvals/<int:nomination_id>")
@employee_required
def decide(nomination_id: int):
    form = DecisionForm()
    if (
        not form.validate_on_submit()
        or form.version.data is None  # never, once valid: it is required
        or form.decision.data not in set(Decision)
    ):
        raise DomainError("That decision could not be read. Reload the page and try again.")
    try:
        decided = decide_nomination(
            db_session(),
            current_user,
            nomination_id,
            Decision(form.decision.data),
            version=form.version.data,
            reason=form.reason.data or "",
            lower_award_id=form.lower_award.data or None,
            base_url=current_app.config["BASE_URL"],
        )
    except AlreadyDecided as error:
        flash(error.message, "error")
    except DomainError as error:
        if error.field is None:
            raise
        return approvals_with_error(nomination_id, error)
    else:
        flash(decided.confirmation, "success")
    return redirect_to(url_for("recognition.approvals"))


def approvals_with_error(nomination_id: int, error: DomainError):
    queue = get_approvals_page(db_session(), current_user.id, limit=200)
    return render(
        "recognition/approvals.html",
        status=422,
        queue=queue,
        errors={nomination_id: error},
        typed={nomination_id: request.form.get("reason", "")},
    )


@bp.get("/mine")
@employee_required
def sent():
    sent_page = get_sent_page(
        db_session(),
        current_user.id,
        cursor=request.args.get("after"),
        limit=current_app.config["PAGE_SIZE"],
    )
    privacy = PrivacyForm(hidden=sent_page.hidden_from_colleagues)
    return render("recognition/sent.html", page=sent_page.page, privacy=privacy)


@bp.post("/nominations/<int:nomination_id>/resubmit")
@employee_required
def resubmit(nomination_id: int):
    form = ResubmitForm()
    if not form.validate_on_submit() or form.version.data is None:
        raise DomainError("Say what they did for the customer.", field="citation")
    resubmit_nomination(
        db_session(),
        current_user,
        nomination_id,
        form.citation.data or "",
        version=form.version.data,
        base_url=current_app.config["BASE_URL"],
    )
    flash("Your nomination was sent back to the approvers.", "success")
    return redirect_to(url_for("recognition.sent"))


@bp.post("/nominations/<int:nomination_id>/withdraw")
@employee_required
def withdraw(nomination_id: int):
    form = WithdrawForm()
    if not form.validate_on_submit() or form.version.data is None:
        raise DomainError("This form has expired. Reload the page and try again.")
    withdraw_nomination(db_session(), current_user, nomination_id, version=form.version.data)
    flash("Your nomination was withdrawn.", "success")
    return redirect_to(url_for("recognition.sent"))


@bp.post("/privacy")
@employee_required
def privacy():
    form = PrivacyForm()
    if form.validate_on_submit():
        set_recognition_privacy(db_session(), current_user, hidden=form.hidden.data)
        flash("Your privacy choice was saved.", "success")
    return redirect_to(url_for("recognition.sent"))
