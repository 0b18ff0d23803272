"""Reading the live lists' notifications: ids and holders out, anything else ignored."""

from __future__ import annotations

from medbill_tui.records.live import ItemChange, merge, parse_notification


def test_a_work_item_notification_names_the_item_and_its_holders() -> None:
    changes, swamped = parse_notification(
        "medbill_queue_denials", '{"items": [[7, 70, "open", "ann", "raj"]]}'
    )
    assert changes == [ItemChange("denials", 7, 70, "open", "ann", "raj")] and swamped is None
    assert changes[0].handed_over


def test_a_claims_notification_names_claims_only() -> None:
    changes, _ = parse_notification("medbill_queue_claims", '{"items": [[70, "hold"]]}')
    assert changes == [ItemChange("claims", None, 70, "hold")]


def test_too_many_to_name_marks_the_list_swamped() -> None:
    batch = merge([("medbill_queue_credits", '{"many": 401}')])
    assert batch.swamped == frozenset({"credits"}) and not batch.items


def test_a_payload_that_is_not_ours_changes_nothing() -> None:
    for channel, payload in (
        ("medbill_queue_denials", "not json"),
        ("medbill_queue_denials", "[1, 2]"),
        ("medbill_queue_denials", '{"items": [[1, 2]]}'),
        ("someone_elses_channel", '{"items": [[1, 2, "open", null, null]]}'),
    ):
        assert parse_notification(channel, payload) == ([], None)
