import pytest

from andiwali.analysis.timeutil import AnalysisError, claim_interval, overlaps, period, window


def test_partial_dates_compare_as_intervals():
    assert period("2021") == ("2021-01-01", "2021-12-31")
    assert period("2021-08") == ("2021-08-01", "2021-08-31")
    assert overlaps(period("2021"), period("2021-08-15"))
    assert not overlaps(period("2020"), period("2021-01"))


def test_undated_claim_holds_at_reported_at_and_is_flagged():
    iv, undated = claim_interval(None, None, "2022-03")
    assert undated and iv == ("2022-03-01", "2022-03-31")
    iv, undated = claim_interval(None, "2001", "2021-09")
    assert not undated and iv == ("", "2001-12-31")
    assert claim_interval(None, None, None) == (None, True)


def test_window_rejects_bad_input():
    assert window() is None
    assert window(date_from="2019", date_to="2020-06") == ("2019-01-01", "2020-06-31")
    with pytest.raises(AnalysisError):
        window(at="2021-13")
    with pytest.raises(AnalysisError):
        window(at="2021", date_from="2020")
    with pytest.raises(AnalysisError):
        window(date_from="2022", date_to="2021")
