"""Draft e-mails, one-click `mailto:` links and the dos and don'ts (rules T5-T7, N1, C1, C2, C5).

The wording lives in plain-text Jinja templates under `templates/drafts/` so that it can be edited
without touching code; a template's first line is `Subject: ...`. Rendering is a pure function of
the follow-up, the language and the loaded templates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import NamedTuple

import jinja2
from jinja2.runtime import new_context

from calfeed.core.model import Draft, FollowUp, FollowUpKind, Interview, Lang, Person, RuleSettings

#: where a feed written by the command line points for a rule's paragraph (the repository's file);
#: the service points to its own `/rules` page instead
RULES_DOC = "docs/rules.md"

TEMPLATE_KINDS: dict[FollowUpKind, str] = {"thank-you": "thank_you", "check-in": "check_in"}

#: event titles, per language and kind; kept short (well under the 255-character limit)
TITLES: dict[Lang, dict[FollowUpKind, str]] = {
    "en": {"thank-you": "Send thank-you: {what}", "check-in": "Check in: {what}"},
    "id": {"thank-you": "Kirim ucapan terima kasih: {what}", "check-in": "Tindak lanjut: {what}"},
}
UNKNOWN: dict[Lang, str] = {"en": "your interview", "id": "wawancara Anda"}
MAX_TITLE = 200


def templates_dir() -> Path:
    """Where the templates are: inside the installed package, or the checkout's top level."""
    package = Path(__file__).resolve().parents[1]
    installed = package / "templates"
    return installed if installed.is_dir() else package.parent / "templates"


@dataclass(frozen=True)
class DraftTemplates:
    """The loaded draft and notes templates of one folder."""

    env: jinja2.Environment
    #: each template once compiled, with its globals as a plain dict (see `render`)
    _compiled: dict[str, tuple[jinja2.Template, dict[str, object]]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def render(self, name: str, **values: object) -> str:
        """`Template.render(**values)`, the lines' trailing spaces and the text's edges trimmed.

        A feed renders thousands of drafts, and Jinja's `render` merges the template's globals
        (a ChainMap) into a new dict on every call, most of the time a draft takes; merged
        here with a plain dict made once, and passed as shared (Jinja's documented way to give a
        context as it is), a draft renders the same text three times faster.
        """
        found = self._compiled.get(name)
        if found is None:
            template = self.env.get_template(name)
            found = self._compiled[name] = (template, dict(template.globals))
        template, known = found
        # Template.new_context(..., shared=True) as it is, but handing the context the plain dict
        # of globals too: it takes a set of their names, which from the ChainMap cost as much again
        context = new_context(
            self.env, template.name, template.blocks, {**known, **values}, True, known
        )
        try:
            text = self.env.concat(template.root_render_func(context))
        except Exception:  # as Template.render: the template's own line in the traceback
            self.env.handle_exception()
        return "\n".join([line.rstrip() for line in text.strip().splitlines()])


@cache
def load_templates(folder: Path | None = None) -> DraftTemplates:
    """Load (once per folder) the templates under `folder`/drafts."""
    root = (folder or templates_dir()) / "drafts"
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(root),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # noqa: S701 - plain-text e-mail, never HTML
        keep_trailing_newline=False,
        auto_reload=False,  # read once per process: no stat() per render
    )
    return DraftTemplates(env)


def _quoting(safe: str) -> list[str]:
    """What each UTF-8 byte becomes in a URI component, indexed by its value: itself when
    unreserved (RFC 3986 2.3) or in `safe`, else its percent-encoding."""
    kept = {c for c in map(chr, range(128)) if c.isalnum() or c in "-._~" + safe}
    return [chr(b) if chr(b) in kept else f"%{b:02X}" for b in range(256)]


_QUOTED = _quoting("")
_QUOTED_ADDRESS = _quoting("@")
#: a body's line breaks go out as CRLF (RFC 6068 section 5): each LF is written as %0D%0A
_QUOTED_BODY = [*_QUOTED[:10], "%0D%0A", *_QUOTED[11:]]


#: the bytes every table keeps as they are (RFC 3986 2.3)
_UNRESERVED = bytes(b for b in range(128) if chr(b).isalnum() or chr(b) in "-._~")


def _quote(text: str, table: list[str] = _QUOTED) -> str:
    """`urllib.parse.quote(text, safe="")` (`_QUOTED_ADDRESS`: safe="@"), five times faster.

    The UTF-8 bytes, read as Latin-1 (one character per byte), get one `str.replace` per distinct
    byte to quote, the percent sign first (the others write percent signs): a draft's body holds
    a few distinct ones (space, comma, line break), and `str.translate` through the table, which
    looks up every character of the text, cost twice as much.
    """
    data = text.encode()
    others = set(data.translate(None, _UNRESERVED))  # the bytes left once the unreserved go
    raw = data.decode("latin-1")
    if 37 in others:  # "%"
        raw = raw.replace("%", table[37])
        others.discard(37)
    for byte in others:
        raw = raw.replace(chr(byte), table[byte])
    return raw


def mailto(to: Person | None, subject: str, body: str) -> str:
    """An RFC 6068 `mailto:` URI with subject and body filled (line breaks as %0D%0A)."""
    address = _quote(to.email, _QUOTED_ADDRESS) if to else ""
    if "\r" in body:  # a CRLF is one line break; a lone CR stays one (%0D)
        body = body.replace("\r\n", "\n")
    return f"mailto:{address}?subject={_quote(subject)}&body={_quote(body, _QUOTED_BODY)}"


#: how a draft is signed when nothing tells the user's name (never blank)
NAME_PLACEHOLDER: dict[Lang, str] = {"en": "[Your name]", "id": "[Nama Anda]"}


def sender_name(interview: Interview, user_name: str = "", lang: Lang = "en") -> str:
    """How the user signs: their setting, else their name on the event, else from their address.

    Never blank: a placeholder the user sees and fills in when nothing else is known.
    """
    from calfeed.core.detection.detect import name_from_email

    if user_name.strip():
        return " ".join(user_name.split())
    event = interview.event
    people = (*event.attendees, *((event.organizer,) if event.organizer else ()))
    for attendee in people:
        if attendee.is_self:
            shown = (attendee.display_name or "").strip()
            name = shown if shown and "@" not in shown else name_from_email(attendee.email)
            if name:
                return name
    calendar_id = event.calendar_id
    name = name_from_email(calendar_id) if "@" in calendar_id else ""
    return name or NAME_PLACEHOLDER[lang]


def subject_of(interview: Interview, lang: Lang) -> str:
    """What the follow-up is about: "Acme – Store Manager", or a graceful generic phrase (E2)."""
    parts = [p for p in (interview.company, interview.position) if p]
    return " – ".join(parts) if parts else UNKNOWN[lang]


def title_for(follow_up: FollowUp, lang: Lang) -> str:
    """The event's SUMMARY, short and single-line."""
    title = TITLES[lang][follow_up.kind].format(what=subject_of(follow_up.interview, lang))
    title = " ".join(title.split())
    return title if len(title) <= MAX_TITLE else title[: MAX_TITLE - 1] + "…"


def drafts_for(
    follow_up: FollowUp, lang: Lang, templates: DraftTemplates | None = None, user_name: str = ""
) -> list[Draft]:
    """One draft per interviewer (rule T7), or one unaddressed draft when nobody is known."""
    templates = templates or load_templates()
    interview = follow_up.interview
    sender = sender_name(interview, user_name, lang)
    name = f"{TEMPLATE_KINDS[follow_up.kind]}.{lang}.txt"
    recipients: list[Person | None] = list(interview.interviewers) or [None]
    drafts = []
    for person in recipients:
        text = templates.render(
            name,
            first_name=person.greeting if person else "",
            company=interview.company,
            position=interview.position,
            sender=sender,
        )
        head, _, body = text.partition("\n")
        subject = head.removeprefix("Subject:").strip() if head.startswith("Subject:") else ""
        body = body.strip() if subject else text
        drafts.append(
            Draft(to=person, subject=subject, body=body, mailto=mailto(person, subject, body))
        )
    return drafts


def notes_for(
    follow_up: FollowUp,
    settings: RuleSettings,
    templates: DraftTemplates | None = None,
    *,
    place: str = "feed",
    rules_at: str = RULES_DOC,
) -> str:
    """The dos and don'ts that go under the drafts (T6, N1 for thank-yous; C1, C2 for check-ins).

    `place` is where they are read: "feed" (a calendar event, which points to the dashboard) or
    "dashboard" (which never tells the user to go to the dashboard). `rules_at` is where the feed
    points for the rule that set the time: the service's `/rules` page, or the repository's file
    for a feed written by the command line.
    """
    templates = templates or load_templates()
    interview = follow_up.interview
    name = f"{TEMPLATE_KINDS[follow_up.kind]}_notes.{settings.lang}.txt"
    return templates.render(
        name,
        place=place,
        rule=follow_up.rule,  # the feed cites it, with its paragraph at `rules_at`
        rules_at=rules_at,
        several=len(interview.interviewers) > 1,
        example_date=(interview.start.date() + timedelta(days=10)).isoformat(),
        timeline=interview.timeline.text if interview.timeline else "",
        grace_days=settings.grace_days,
        wait_days=settings.no_timeline_days,
    )


class Description(NamedTuple):
    """A follow-up event's DESCRIPTION and the parts it was made of."""

    text: str
    drafts: list[Draft]
    notes: str


#: what separates the drafts from each other and from the notes in a DESCRIPTION
BLOCK_SEPARATOR = "\n\n———\n\n"


def description_for(
    follow_up: FollowUp,
    settings: RuleSettings,
    templates: DraftTemplates | None = None,
    *,
    rules_at: str = RULES_DOC,
) -> Description:
    """The plain-text DESCRIPTION of a follow-up event: drafts, their links, then the notes."""
    lang = settings.lang
    drafts = drafts_for(follow_up, lang, templates, settings.user_name)
    blocks: list[str] = []
    for draft in drafts:
        lines = []
        if draft.to:
            lines.append(
                ("To" if lang == "en" else "Kepada") + f": {draft.to.name} <{draft.to.email}>"
            )
        lines += [
            ("Subject" if lang == "en" else "Subjek") + f": {draft.subject}",
            "",
            draft.body,
            "",
            ("Send: " if lang == "en" else "Kirim: ") + draft.mailto,
        ]
        blocks.append("\n".join(lines))
    notes = notes_for(follow_up, settings, templates, rules_at=rules_at)
    blocks.append(notes)
    return Description(BLOCK_SEPARATOR.join(b.strip() for b in blocks), drafts, notes)
