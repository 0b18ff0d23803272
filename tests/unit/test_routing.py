"""Denial routing rules: parsing, validation messages, first match wins, the shipped file."""

from __future__ import annotations

from decimal import Decimal
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medbill_tui.domain.routing import (
    ACTIONS,
    CATEGORIES,
    DEFAULT_DUE_DAYS,
    DenialFacts,
    RulesInvalid,
    parse_rules,
)
from medbill_tui.edi.codelists import carc_table
from medbill_tui.edi.sandbox_835 import DENIALS

CATCH_ALL = '[[rule]]\nname = "rest"\ncategory = "other"\naction = "follow up"\n'


def facts(
    carc: str, group: str = "CO", rarc: str = "", amount: str = "100", payer: str = ""
) -> DenialFacts:
    return DenialFacts(group, carc, rarc, Decimal(amount), payer)


def shipped_text() -> str:
    return resources.files("medbill_tui.data").joinpath("denial_routing.toml").read_text()


def test_the_shipped_rules_are_valid_and_route_the_sandbox_denials() -> None:
    rules = parse_rules(shipped_text(), "denial_routing.toml")
    assert rules.rules[-1].catch_all
    routed = {carc: rules.route(facts(carc, group, rarc)) for group, carc, rarc, _ in DENIALS}
    assert routed["18"].category == "duplicate"
    assert routed["29"].category == "timely filing" and routed["29"].action == "appeal"
    assert routed["16"].category == "missing information"
    assert routed["197"].category == "authorization"
    assert routed["50"].category == "medical necessity"
    assert routed["4"].category == "coding" and routed["97"].category == "coding"
    assert routed["27"].category == "eligibility"
    # every sandbox denial lands somewhere more useful than the catch-all
    assert all(r.category != "other" for r in routed.values())
    # the rules name only codes we can describe
    table = carc_table()
    for rule in rules.rules:
        for span in rule.carc:
            assert span.prefix + str(span.low) in table or span.prefix + str(span.high) in table


def test_first_match_wins_and_conditions_all_hold() -> None:
    text = (
        '[[rule]]\ncarc = ["16"]\ngroup = ["PI"]\ncategory = "coding"\naction = "resubmit"\n'
        '[[rule]]\ncarc = ["1-30", "P1-P23"]\ncategory = "eligibility"\naction = "appeal"\n'
        "appeal_days = 30\n"
        '[[rule]]\nrarc = ["N100-N199"]\npayer = ["mcr01"]\ncategory = "authorization"\n'
        'action = "appeal"\n'
        "[[rule]]\namount_min = 10\namount_max = 20.50\n"
        'category = "other"\naction = "write off"\n' + CATCH_ALL
    )
    rules = parse_rules(text)
    assert rules.route(facts("16", group="PI")).rule == 1
    assert rules.route(facts("16")).rule == 2  # group CO: rule 1 does not hold
    assert rules.route(facts("P17")).category == "eligibility"
    assert rules.route(facts("P24", amount="500")).rule == 5
    assert rules.route(facts("45", rarc="N130", payer="MCR01")).rule == 3
    assert rules.route(facts("45", rarc="N130", payer="BCBS")).rule == 5
    assert rules.route(facts("45", rarc="N13", payer="MCR01")).rule == 5
    assert rules.route(facts("45", amount="20.50")).rule == 4
    assert rules.route(facts("45", amount="20.51")).rule == 5
    assert rules.route(facts("45", amount="9.99")).rule == 5
    routing = rules.route(facts("3"))
    assert routing.appeal_days == 30
    from datetime import date

    assert routing.due_on(date(2026, 1, 1)) == date(2026, 1, 31)
    other = rules.route(facts("999"))
    assert other.due_on(date(2026, 1, 1)).toordinal() - date(2026, 1, 1).toordinal() == (
        DEFAULT_DUE_DAYS
    )


def test_words_may_use_dashes_or_underscores() -> None:
    rules = parse_rules('[[rule]]\ncategory = "Timely_Filing"\naction = "write-off"\n')
    assert rules.route(facts("29")).category == "timely filing"
    assert rules.route(facts("29")).action == "write off"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[rule]]\ncarcs = ["16"]\ncategory = "coding"\naction = "resubmit"\n' + CATCH_ALL,
         "rule 1 (line 2): unknown key 'carcs'"),
        ('[[rule]]\ncarc = ["16"]\ncategory = "billing"\naction = "resubmit"\n' + CATCH_ALL,
         "rule 1 (line 3): category 'billing' is not one of"),
        ('[[rule]]\ncarc = ["16"]\ncategory = "coding"\naction = "phone"\n' + CATCH_ALL,
         "rule 1 (line 4): action 'phone' is not one of"),
        ('[[rule]]\ncarc = ["16"]\naction = "resubmit"\n' + CATCH_ALL, "category is missing"),
        ('[[rule]]\nname = "x"\ncarc = ["1A6"]\ncategory = "coding"\naction = "resubmit"\n'
         + CATCH_ALL, "rule 1 (line 3) \"x\": '1A6' is not a CARC"),
        ('[[rule]]\ncarc = ["30-1"]\ncategory = "coding"\naction = "resubmit"\n' + CATCH_ALL,
         "range '30-1' must go up"),
        ('[[rule]]\ncarc = ["P1-B3"]\ncategory = "coding"\naction = "resubmit"\n' + CATCH_ALL,
         "keep the same letters"),
        ('[[rule]]\nrarc = ["X12"]\ncategory = "coding"\naction = "resubmit"\n' + CATCH_ALL,
         "'X12' is not a RARC"),
        ('[[rule]]\ngroup = ["XX"]\ncategory = "coding"\naction = "resubmit"\n' + CATCH_ALL,
         "group 'XX' is not one of: CO, PR, OI, PI, CR"),
        ('[[rule]]\namount_min = -1\ncategory = "coding"\naction = "resubmit"\n' + CATCH_ALL,
         "amount_min -1 is not an amount"),
        ('[[rule]]\namount_min = 9\namount_max = 2\ncategory = "other"\naction = "appeal"\n'
         + CATCH_ALL, "amount_max 2 is below amount_min 9"),
        ('[[rule]]\ncarc = ["16"]\ncategory = "coding"\naction = "appeal"\nappeal_days = 0\n'
         + CATCH_ALL, "rule 1 (line 5): appeal_days 0 must be a whole number"),
        ('[[rule]]\ncarc = ["16"]\ncategory = "coding"\naction = "resubmit"\n',
         "rule 1 (line 1) is the last rule but has conditions"),
        (CATCH_ALL + '[[rule]]\ncarc = ["16"]\ncategory = "coding"\naction = "resubmit"\n',
         "rule 1 (line 1) matches every denial"),
        ("", "the file has no [[rule]] tables"),
        ('version = 2\n' + CATCH_ALL, "unknown top-level key 'version'"),
        ("[[rule]\n", "not valid TOML"),
        ('[[rule]]\ncarc = []\ncategory = "coding"\naction = "resubmit"\n' + CATCH_ALL,
         "carc is an empty list"),
    ],
)  # fmt: skip
def test_a_bad_file_is_refused_with_the_rule_and_line(text: str, message: str) -> None:
    with pytest.raises(RulesInvalid) as caught:
        parse_rules(text, "mine.toml")
    assert "mine.toml" in str(caught.value)
    assert any(message in p for p in caught.value.problems), caught.value.problems


def test_every_problem_is_listed_at_once() -> None:
    text = (
        '[[rule]]\ncarc = ["ZZZ"]\ncategory = "x"\naction = "resubmit"\n'
        '[[rule]]\ngroup = ["CO"]\ncategory = "coding"\naction = "y"\n'
    )
    with pytest.raises(RulesInvalid) as caught:
        parse_rules(text)
    problems = caught.value.problems
    assert len(problems) == 4, problems
    assert problems[0].startswith("rule 1 (line 2)") and problems[1].startswith("rule 1 (line 3)")
    assert problems[2].startswith("rule 2 (line 8)")
    assert problems[3].startswith("rule 2 (line 5) is the last rule but has conditions")


CODES = st.one_of(
    st.integers(0, 999).map(str),
    st.tuples(st.sampled_from("ABPW"), st.integers(0, 99)).map(lambda t: f"{t[0]}{t[1]}"),
    st.text(max_size=4),
)


@given(
    carc=CODES,
    rarc=st.sampled_from(["", "M15", "N130", "MA04", "N999"]),
    group=st.sampled_from(["CO", "PR", "OI", "PI", "CR", ""]),
    cents=st.integers(0, 10**8),
)
def test_the_shipped_rules_route_anything_to_the_first_rule_that_matches(
    carc: str, rarc: str, group: str, cents: int
) -> None:
    rules = parse_rules(shipped_text())
    denial = DenialFacts(group, carc, rarc, Decimal(cents) / 100)
    routing = rules.route(denial)
    assert routing.category in CATEGORIES and routing.action in ACTIONS
    first = next(rule for rule in rules.rules if rule.matches(denial))
    assert routing.rule == first.number
    assert not any(rule.matches(denial) for rule in rules.rules[: first.number - 1])
