"""What the demo's ideas say: a year of believable suggestions across every status and
department, the implemented ones with what they measurably changed. ideas.py makes them."""

from __future__ import annotations

from dataclasses import dataclass, field

from portal.ideas.models import CustomerChannel, IdeaStatus


@dataclass(frozen=True)
class DemoImpact:
    what_was_done: str
    measure: str
    unit: str
    before: str
    after: str


@dataclass(frozen=True)
class DemoIdea:
    title: str
    problem: str
    solution: str
    impact: str
    channel: CustomerChannel
    category: str
    author: str
    days_ago: int
    status: IdeaStatus = IdeaStatus.SUBMITTED  # reached by the review path to it
    voters: int = 0
    comments: tuple[str, ...] = ()
    extra: dict[str, str] = field(default_factory=dict)
    measured: DemoImpact | None = None  # for implemented ideas


IDEAS = [
    DemoIdea(
        "Offer a call-back instead of holding",
        "At peak times members wait **over 15 minutes** on hold, and many hang up and call again.",
        "When the queue is longer than five minutes, offer to call the member back in turn.",
        "Shorter perceived waits, fewer abandoned calls, calmer conversations.",
        CustomerChannel.PHONE,
        "Wait times",
        "employee@example.com",
        40,
        IdeaStatus.IMPLEMENTED,
        voters=14,
        comments=("This would save my evenings. Members hate waiting.",),
        measured=DemoImpact(
            "Added a call-back option to the phone menu when the wait passes five minutes.",
            "Abandoned calls",
            "% of calls",
            "18.5",
            "7.2",
        ),
    ),
    DemoIdea(
        "Plain-language claim status messages",
        "Status texts like *pending adjudication* confuse members, who then call to ask.",
        "Rewrite every claim status in plain language, with the next step and a date.",
        "Fewer 'where is my claim?' calls and more trust.",
        CustomerChannel.MOBILE_APP,
        "Claims",
        "colleague@example.com",
        25,
        IdeaStatus.IN_PROGRESS,
        voters=11,
        comments=("Claims would love to help word these.",),
    ),
    DemoIdea(
        "Remember the last agent a member spoke to",
        "Members repeat their story every time they call back about the same issue.",
        "Show the previous agent and notes, and route to that agent when available.",
        "Less repetition, faster resolution on the second call.",
        CustomerChannel.PHONE,
        "Communication",
        "employee@example.com",
        12,
        IdeaStatus.APPROVED,
        voters=9,
    ),
    DemoIdea(
        "Save chat transcripts to the member's inbox",
        "After a chat, members cannot find what the agent told them.",
        "Offer to send the transcript to the secure inbox at the end of each chat.",
        "Members keep the answer and do not need to ask again.",
        CustomerChannel.CHAT,
        "Digital experience",
        "colleague@example.com",
        9,
        IdeaStatus.UNDER_REVIEW,
        voters=6,
        comments=("Would this include attachments?", "Good question, it should."),
    ),
    DemoIdea(
        "Due-date reminders by text message",
        "Members miss payment dates and are surprised by late fees.",
        "Send an optional text three days before each due date.",
        "Fewer late fees, fewer angry calls.",
        CustomerChannel.SELF_SERVICE,
        "Billing and payments",
        "employee@example.com",
        10,
        voters=7,
    ),
    DemoIdea(
        "Welcome call in the first week",
        "New members do not know which services they can use.",
        "A short welcome call from the team in the first week, at a time they choose.",
        "Members use more of what they pay for and feel looked after.",
        CustomerChannel.PHONE,
        "Onboarding",
        "colleague@example.com",
        3,
        voters=3,
    ),
    DemoIdea(
        "Show the queue position while waiting",
        "Callers have no idea how long they will wait.",
        "Announce the position in the queue every minute.",
        "Fewer hang-ups; waiting feels fairer.",
        CustomerChannel.PHONE,
        "Wait times",
        "employee@example.com",
        2,
        voters=2,
    ),
    DemoIdea(
        "Ask for a call back when the line is busy",
        "Waiting on hold wastes members' time.",
        "Let members leave their number and be called back.",
        "Members do not have to hold.",
        CustomerChannel.PHONE,
        "Wait times",
        "colleague@example.com",
        6,
        IdeaStatus.DUPLICATE,
        voters=4,
        extra={"duplicate_of": "Offer a call-back instead of holding"},
    ),
    DemoIdea(
        "Fax forms for claims",
        "Some older members do not use the app.",
        "Accept claim forms by fax.",
        "Older members can claim without the app.",
        CustomerChannel.IN_PERSON,
        "Claims",
        "employee@example.com",
        20,
        IdeaStatus.DECLINED,
        voters=1,
        extra={"note": "Post and phone claims already cover this, and fax is being retired."},
    ),
    DemoIdea(
        "Let members choose how we contact them",
        "Some members prefer email, others text, others a call, and we guess.",
        "A contact-preference setting honoured by every team.",
        "Messages arrive the way members read them.",
        CustomerChannel.WEBSITE,
        "Communication",
        "colleague@example.com",
        8,
        voters=5,
    ),
    DemoIdea(
        "Photo upload for damage claims in the app",
        "Members must email photos separately, which delays claims.",
        "Add photo upload to the claim form in the mobile app.",
        "Faster claims and fewer lost attachments.",
        CustomerChannel.MOBILE_APP,
        "Claims",
        "employee@example.com",
        15,
        IdeaStatus.IN_PROGRESS,
        voters=8,
    ),
    DemoIdea(
        "Answer social media questions within an hour",
        "Public questions on social media sit for a day and others see the silence.",
        "A rota so someone answers every public question within an hour on workdays.",
        "Members see we listen; small issues stay small.",
        CustomerChannel.SOCIAL_MEDIA,
        "Communication",
        "colleague@example.com",
        1,
    ),
]


# Older ideas from the other departments: several months of the programme, most answered.
EARLIER_IDEAS = [
    DemoIdea(
        "Text members when a claim payment is sent",
        "Members call to ask whether their claim was paid, sometimes several times a week.",
        "Send a text and an app notification the moment a claim payment leaves.",
        "Fewer 'has it been paid?' calls, and members can plan around the money.",
        CustomerChannel.MOBILE_APP,
        "Claims",
        "harper.weber@example.com",
        250,
        IdeaStatus.IMPLEMENTED,
        voters=19,
        comments=("Our team answers this question twenty times a day.",),
        measured=DemoImpact(
            "Payment texts and app notifications for every claim payment since March.",
            "Calls asking about claim payments",
            "calls a week",
            "420",
            "165",
        ),
    ),
    DemoIdea(
        "One sign-in for the website and the app",
        "Members keep two passwords and forget one, then call us to reset it.",
        "Use the same account and password on the website and in the app.",
        "Fewer lock-outs and password calls; members get in first time.",
        CustomerChannel.WEBSITE,
        "Digital experience",
        "noel.evans@example.com",
        230,
        IdeaStatus.IMPLEMENTED,
        voters=16,
        comments=("Yes please. Half my chats start with a password reset.",),
        measured=DemoImpact(
            "Merged the website and app accounts; one password works for both.",
            "Password-reset contacts",
            "contacts a week",
            "910",
            "540",
        ),
    ),
    DemoIdea(
        "Plain-language summary on the first page of every policy",
        "Policies run to forty pages and members cannot find what they are covered for.",
        "Start each policy with one page in plain language: what is covered, what is not.",
        "Members understand their cover and are not surprised at claim time.",
        CustomerChannel.EMAIL,
        "Policies and processes",
        "blair.khan@example.com",
        140,
        IdeaStatus.IMPLEMENTED,
        voters=12,
        measured=DemoImpact(
            "A one-page summary now opens every home and car policy.",
            "Questions about cover to the contact centre",
            "calls a month",
            "1300",
            "940",
        ),
    ),
    DemoIdea(
        "Warm transfer instead of a cold one",
        "When we transfer a call, members explain everything again to the next person.",
        "Introduce the member and their issue to the colleague before handing over.",
        "Members tell their story once; transfers feel like help, not a brush-off.",
        CustomerChannel.PHONE,
        "Communication",
        "taylor.quist@example.com",
        120,
        IdeaStatus.IMPLEMENTED,
        voters=15,
        comments=("We tried it on the late shift and members noticed straight away.",),
        measured=DemoImpact(
            "Warm transfers are the standard on every contact-centre team.",
            "Members saying they had to repeat themselves",
            "% of surveyed calls",
            "34",
            "12",
        ),
    ),
    DemoIdea(
        "Large-print letters on request",
        "Members with poor eyesight cannot read our standard letters.",
        "Let members ask for large print once, and send every letter that way.",
        "Every member can read what we send them.",
        CustomerChannel.EMAIL,
        "Communication",
        "cameron.rossi@example.com",
        110,
        IdeaStatus.IN_PROGRESS,
        voters=10,
    ),
    DemoIdea(
        "Estimated repair time on the claim page",
        "Members do not know how long their car will be in the garage.",
        "Show the garage's estimate and update it when the garage does.",
        "Members can arrange a hire car and plan their week.",
        CustomerChannel.WEBSITE,
        "Claims",
        "indy.dubois@example.com",
        90,
        IdeaStatus.APPROVED,
        voters=9,
    ),
    DemoIdea(
        "Weekend chat hours",
        "Members who work weekdays can only reach us at the weekend.",
        "Open chat on Saturday and Sunday mornings.",
        "Members reach us when they are free.",
        CustomerChannel.CHAT,
        "Wait times",
        "oakley.lopez@example.com",
        75,
        IdeaStatus.DECLINED,
        voters=6,
        extra={
            "note": "Weekend contact volumes are low, and the call-back option already lets "
            "members choose a time. We will look again in the spring."
        },
    ),
    DemoIdea(
        "Spanish-speaking agents on the main phone menu",
        "Spanish-speaking members wait for an interpreter to join the call.",
        "Add a Spanish option to the main menu, answered by our bilingual agents.",
        "Members are helped in their language from the first minute.",
        CustomerChannel.PHONE,
        "Wait times",
        "umi.xu@example.com",
        55,
        IdeaStatus.IN_PROGRESS,
        voters=13,
        comments=("Six of us on the team speak Spanish already.",),
    ),
    DemoIdea(
        "Send a short summary after every phone call",
        "After a call, members forget what was agreed and call back to check.",
        "Email a three-line summary of what we agreed and what happens next.",
        "Fewer repeat calls, and a record the member can trust.",
        CustomerChannel.EMAIL,
        "Communication",
        "devon.young@example.com",
        35,
        IdeaStatus.UNDER_REVIEW,
        voters=8,
    ),
    DemoIdea(
        "Tell members about outages before they call",
        "When the app is down, hundreds of members call to ask what is wrong.",
        "Show a banner in the app and on the website, and text members who use the app daily.",
        "Members know we are on it; the phone lines stay free for other needs.",
        CustomerChannel.SELF_SERVICE,
        "Digital experience",
        "parker.silva@example.com",
        4,
        voters=3,
    ),
]
