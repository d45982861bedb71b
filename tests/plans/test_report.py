"""The response report's content: exact counts, quotes only with consent, the changed
action with its old and new text, the replies, and nobody named (page and PDF)."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from convenor.errors import NotFound
from plans.adoption import adopt, publish_report
from plans.analysis import analyse, quotable_comments
from plans.models import Action
from plans.replies import add_reply, reply_data
from plans.report import QUOTES_PER_ITEM, published_report, report_preview
from plans.report_pdf import change_lines, report_pdf
from tests.plans.factories import (
    NEW_TEXT,
    closed_plan,
    make_answer,
    make_respondent,
    plan_actions,
    report_consultation,
)


def pdf_text(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


async def test_report_counts_respondents_by_kind_and_capacity(app, organiser):
    plan, _, _ = await report_consultation(organiser)

    report = await report_preview(organiser, plan.id)

    assert report.respondents == 5
    assert [(c.label, c.count) for c in report.by_kind] == [
        ("Summit delegates", 1),
        ("Partner organisations' staff", 1),
        ("Members of the public", 3),
    ]
    assert [(c.label, c.count) for c in report.by_capacity] == [
        ("Resident", 2),
        ("Community group", 0),
        ("Partner agency", 1),
        ("Business", 1),
        ("Other", 0),
        ("Did not say", 1),
    ]
    assert (report.tables, report.points) == (1, 2)
    assert report.events[0].title == "Safer City Summit"
    assert report.workshops == ["Workshop: keeping people safe"]


async def test_report_support_per_action_is_exact(app, organiser):
    plan, _, _ = await report_consultation(organiser)

    report = await report_preview(organiser, plan.id)

    first, second, third = report.priorities[0].actions
    assert (first.number, first.answered, first.points) == ("1.1", 4, 2)
    assert [(c.label, c.count) for c in first.support] == [
        ("Strongly support", 2),
        ("Support", 1),
        ("Neither support nor oppose", 0),
        ("Oppose", 0),
        ("Strongly oppose", 1),
        ("No view given", 0),
    ]
    assert [c.count for c in second.support] == [0, 0, 0, 1, 1, 0]
    assert [c.count for c in third.support] == [0, 0, 0, 0, 0, 1]
    # The report lists the actions as consulted on (version 1's text).
    assert first.text == "Target knife crime hot spots with joint patrols"


async def test_report_quotes_only_consenting_moderated_comments_redacted(app, organiser):
    plan, _, _ = await report_consultation(organiser)

    report = await report_preview(organiser, plan.id)

    first, second, third = report.priorities[0].actions
    assert first.quotes == ["More patrols near the park, please", "Delegates back this"]
    assert second.quotes == ["Ring me on [phone number removed]"]
    assert third.quotes == ["No view, just a comment"]
    assert report.priorities[0].missing == ["Nothing on drug markets"]


async def test_report_lists_the_changed_action_with_old_and_new_text(app, organiser):
    plan, _, _ = await report_consultation(organiser)

    report = await report_preview(organiser, plan.id)

    assert [(a.new_number, a.old_text, a.new_text) for a in report.changed_actions] == [
        ("1.1", "Target knife crime hot spots with joint patrols", NEW_TEXT)
    ]
    assert change_lines(report) == [
        "Action 1.1: reworded from \u201cTarget knife crime hot spots with joint patrols\u201d "
        f"to \u201c{NEW_TEXT}\u201d."
    ]
    assert [(r.action, r.outcome_label) for r in report.replies] == [
        (f"1.1: {NEW_TEXT}", "We changed the action")
    ]
    assert (report.consulted.number, report.adopted.number) == (1, 2)


async def test_report_is_not_found_until_published(app, organiser):
    plan, _, _ = await report_consultation(organiser)

    with pytest.raises(NotFound):
        await published_report(plan.uuid)

    await publish_report(organiser, plan.id)
    assert (await published_report(plan.uuid)).published is True


async def test_report_pdf_names_nobody_and_holds_the_counts(app, organiser):
    plan, _, people = await report_consultation(organiser)
    await publish_report(organiser, plan.id)

    text = pdf_text(report_pdf(await published_report(plan.uuid)))

    flat = " ".join(text.split())
    for person in people.values():
        assert person.name not in flat
        assert person.email not in flat
    assert "Bob's Corner Shop" not in flat
    assert "Bob would rather not be quoted" not in flat
    assert "Still waiting for a moderator" not in flat
    assert "07700 900123" not in flat
    assert "Members of the public 3" in flat
    assert "Resident 2" in flat
    assert "More patrols near the park, please" in flat
    assert "We added youth workers to the patrols." in flat
    assert f"to \u201c{NEW_TEXT}\u201d" in flat


async def test_report_figures_match_the_analysis_for_actions_still_in_the_plan(app, organiser):
    plan, _, _ = await report_consultation(organiser)

    report = await report_preview(organiser, plan.id)
    analysis = await analyse(plan.id)
    quotes = await quotable_comments(plan.id)

    figures = {f.action.ref: f for f in analysis.actions}
    for said in (a for p in report.priorities for a in p.actions):
        found = figures[said.ref]
        expected = [found.support[v] for v in (5, 4, 3, 2, 1)] + [found.no_view]
        assert [c.count for c in said.support] == expected
        assert (said.answered, said.points) == (found.answers, found.points)
        assert (
            said.quotes
            == [q.comment for q in quotes if q.action_id == found.action.id and q.comment][
                :QUOTES_PER_ITEM
            ]
        )
    assert report.respondents == analysis.respondents == 5


async def test_report_keeps_what_was_said_of_an_action_removed_since(app, organiser):
    plan = await closed_plan()
    actions = await plan_actions(plan)
    person = await make_respondent(plan, "delegate", "partner_agency", may_quote=True)
    await make_answer(person, actions[2], support=1, comment="Drop the evening spaces")
    await Action.filter(id=actions[2].id).update(removed_at=datetime.now(UTC))
    await adopt(organiser, plan.id, "")

    report = await report_preview(organiser, plan.id)

    removed = report.priorities[0].actions[2]
    assert (removed.number, removed.answered, removed.quotes) == (
        "1.3",
        1,
        ["Drop the evening spaces"],
    )
    assert change_lines(report) == [
        "Action 1.3 removed: \u201cOpen safe spaces for young people in the evenings\u201d."
    ]


async def test_report_pdf_sets_text_in_any_script(app, organiser):
    plan = await closed_plan()
    actions = await plan_actions(plan)
    person = await make_respondent(plan, "public", "resident", may_quote=True)
    await make_answer(person, actions[0], support=4, comment="Łódź, Straße, Ахмед, 李伟 agree")
    await add_reply(
        organiser,
        plan.id,
        reply_data(
            {
                "you_said": "Зачем <b>патрули</b>? 为什么?",
                "we_did": "We explained why.\nOn two lines.",
                "outcome": "not_changed",
                "action_id": str(actions[0].id),
            }
        ),
    )
    await adopt(organiser, plan.id, "")
    await publish_report(organiser, plan.id)

    text = pdf_text(report_pdf(await published_report(plan.uuid)))

    squeezed = re.sub(r"[\s\x00]+", "", text)  # pypdf spaces the CJK fallback font's runs
    assert "Łódź,Straße,Ахмед,李伟agree" in squeezed
    assert "Зачем<b>патрули</b>?为什么?" in squeezed
