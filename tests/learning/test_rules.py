"""The arithmetic of cycles and pathways on its own (R-CRT-1, R-CRT-2, R-CER-1, R-CER-2)."""
from datetime import date

from clc_ledger.learning import rules
from clc_ledger.learning.rules import Credit, ExamPass


def test_a_cycle_is_three_calendar_years_and_29_february_ends_on_28_february():  # R-CRT-1
    assert rules.cycle_end("professional", date(2024, 3, 1)) == date(2027, 3, 1)
    assert rules.cycle_end("associate", date(2024, 2, 29)) == date(2027, 2, 28)
    assert rules.cycle_end("expert", date(2023, 12, 31)) == date(2026, 12, 31)
    assert rules.cycle_end("entry", date(2024, 2, 29)) is None


def test_active_through_the_expiry_day_expired_the_day_after():  # R-CRT-2
    assert rules.status(date(2027, 3, 1), date(2027, 3, 1)) == "active"
    assert rules.status(date(2027, 3, 1), date(2027, 3, 2)) == "expired"
    assert rules.status(None, date(2090, 1, 1)) == "active"  # entry never expires


def test_ciscos_pathways_are_the_defaults():  # R-CER-1
    assert [rules.pathway_label(*p) for p in rules.pathways("professional")] == [
        "80 CE", "40 CE + 1 concentration", "1 technology_core", "2 concentration", "1 expert_lab"]
    assert [rules.pathway_label(*p) for p in rules.pathways("expert")] == [
        "120 CE", "40 CE + 1 technology_core", "40 CE + 2 concentration", "80 CE + 1 concentration",
        "3 concentration", "1 expert_lab"]
    assert [rules.pathway_label(*p) for p in rules.pathways("associate")][0] == "30 CE"
    assert [rules.pathway_label(*p) for p in rules.pathways("specialist")] == ["40 CE", "1 specialist"]


START, END = date(2024, 3, 1), date(2027, 3, 1)


def test_progress_picks_the_pathway_that_needs_least_and_counts_only_inside_the_cycle():  # R-CER-2
    credits = [Credit(1, date(2025, 1, 1), 50, "earned"), Credit(2, date(2024, 2, 29), 40, "earned"),
               Credit(3, date(2027, 3, 2), 40, "earned"), Credit(4, date(2025, 2, 1), 10, "pending"),
               Credit(5, date(2025, 3, 1), 20, "planned")]
    shown = rules.progress("professional", START, END, credits, [])
    assert (shown["earned"], shown["pending"], shown["projected"]) == (50, 10, 20)
    assert shown["best_pathway"]["name"] == "80 CE" and shown["gap"] == 30 and not shown["met"]
    with_exam = rules.progress("professional", START, END, credits, [ExamPass(1, date(2025, 5, 5), "concentration")])
    assert with_exam["best_pathway"]["name"] == "40 CE + 1 concentration" and with_exam["met"]


def test_planned_credits_are_projected_never_earned():  # R-CEL-3
    shown = rules.progress("associate", START, END, [Credit(1, date(2025, 1, 1), 64, "planned")], [])
    assert shown["earned"] == 0 and shown["projected"] == 64 and not shown["met"] and shown["gap_counting_all"] == 0
    assert rules.completion("associate", START, END, [Credit(1, date(2025, 1, 1), 64, "planned")], []) is None


def test_completion_is_the_day_of_the_activity_that_completes_and_consumes_oldest_first():  # R-CRT-3
    credits = [Credit(1, date(2025, 1, 1), 50, "earned"), Credit(2, date(2025, 6, 1), 40, "earned")]
    found = rules.completion("professional", START, END, credits, [])
    assert found.on == date(2025, 6, 1) and found.credits == {1: 50, 2: 30} and found.total_credits == 80
    exam_first = rules.completion("professional", START, END, credits, [ExamPass(7, date(2024, 9, 9), "technology_core")])
    assert exam_first.on == date(2024, 9, 9) and exam_first.credits == {} and exam_first.exams == [7]


def test_the_submission_window_closes_on_day_91():  # R-CEC-2
    today = date(2026, 6, 15)
    assert rules.submit_window_closed_on(today) == date(2026, 3, 16)  # 91 days before
