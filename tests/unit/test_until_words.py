"""How a lease's end is shown: the time today, the date too on another day."""

from datetime import datetime, timedelta

from medbill_tui.records.work import until_words


def test_today_is_the_time_and_another_day_carries_its_date() -> None:
    now = datetime.now().astimezone()
    today = now.replace(hour=12, minute=5)
    tomorrow = today + timedelta(days=1)
    assert until_words(today) == "12:05"
    assert until_words(tomorrow) == f"{tomorrow:%m/%d} 12:05"
