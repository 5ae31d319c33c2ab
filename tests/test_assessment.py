"""The episode keeps its latest assessment; a history row marks each change of level."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from advice import engine
from tests.factories import make_clinic, make_entry, make_patient
from tracker import assessment, checkins, lifecycle
from tracker.models import AssessmentRecord

TODAY = dt.date(2026, 11, 21)


@pytest.fixture
def episode(db):
    return make_patient(
        make_clinic(phone="013-4683910"), onset=TODAY - dt.timedelta(days=20), language="en"
    ).episodes.get()


def log(episode, days_ago: int, pain: int, **extra):
    values = {"function": "yes"} | extra
    return checkins.entry_save(
        episode=episode,
        day=TODAY - dt.timedelta(days=days_ago),
        answers={"pain": pain, **values},
        today=TODAY,
    )


def test_saving_an_entry_stores_the_engines_assessment_on_the_episode(episode):
    for days_ago in range(6, -1, -1):
        log(episode, days_ago, pain=6)
    episode.refresh_from_db()
    expected = engine.assess(
        onset=episode.onset,
        today=TODAY,
        entries=[engine.DayEntry(TODAY - dt.timedelta(days=n), 6) for n in range(7)],
    )
    assert episode.level == expected.level == engine.ON_TRACK
    assert episode.reasons == list(expected.reasons)
    assert episode.baseline == 6.0
    assert episode.mean_7d == 6.0
    assert episode.rules_version == engine.RULES_VERSION
    assert episode.assessed_on == TODAY


def test_a_history_row_is_written_only_when_the_level_changes(episode):
    log(episode, 6, pain=6)  # too few entries
    log(episode, 5, pain=6)
    log(episode, 4, pain=6)
    log(episode, 3, pain=6)  # four entries in the window: on track
    log(episode, 2, pain=6)
    levels = list(
        AssessmentRecord.objects.order_by("assessed_at", "pk").values_list("level", flat=True)
    )
    assert levels == [engine.TOO_FEW_ENTRIES, engine.ON_TRACK]


def test_the_history_keeps_what_the_patient_read_in_their_language(episode):
    checkins.red_flags_report(episode=episode, codes=["leg_weakness"], today=TODAY)
    record = AssessmentRecord.objects.latest("assessed_at")
    assert record.level == engine.EMERGENCY
    assert record.rules_version == engine.RULES_VERSION
    assert record.reasons[0] == "red_flag:leg_weakness"
    assert "GP" in record.message  # English: the patient's language


def history(episode, pains: list[int]) -> None:
    """Entries up to yesterday, written straight to the database (older than a
    patient may still change), ending with today's check-in through the service."""
    for days_ago, pain in enumerate(reversed(pains[:-1]), start=1):
        make_entry(episode, TODAY - dt.timedelta(days=days_ago), pain=pain)
    log(episode, 0, pain=pains[-1])
    episode.refresh_from_db()


def test_worsening_after_a_good_start_asks_to_contact_the_physio(episode):
    history(episode, [3] * 7 + [6] * 7)
    assert episode.level == engine.SEE_PHYSIO
    assert engine.WORSENING in episode.reasons
    record = AssessmentRecord.objects.latest("assessed_at")
    assert "013-4683910" in record.message


def test_resolving_a_red_flag_lowers_the_level_again(episode):
    checkins.red_flags_report(episode=episode, codes=["accident"], today=TODAY)
    report = episode.red_flags.get()
    checkins.red_flag_resolve(report=report, resolution="seen_doctor", today=TODAY)
    episode.refresh_from_db()
    assert episode.level == engine.TOO_FEW_ENTRIES
    assert [r.level for r in AssessmentRecord.objects.order_by("assessed_at", "pk")][-2:] == [
        engine.SEE_GP,
        engine.TOO_FEW_ENTRIES,
    ]


def test_entries_and_red_flags_bump_the_data_version(episode):
    before = episode.data_changed_at
    log(episode, 0, pain=4)
    episode.refresh_from_db()
    assert episode.data_changed_at > before


def test_the_risk_factors_come_back_once_when_not_improving_first_fires(episode):
    episode.onset = TODAY - dt.timedelta(days=30)
    episode.save()
    history(episode, [5] * 22)
    assert engine.NOT_IMPROVING in episode.reasons
    assert checkins.risk_factors_due(episode=episode)
    checkins.risk_factors_save(
        episode=episode, answers=dict.fromkeys(engine.YELLOW_FLAGS, False), occasion="not_improving"
    )
    assert not checkins.risk_factors_due(episode=episode)


def test_a_closed_episode_refuses_new_entries(episode):
    lifecycle.episode_close(episode=episode, outcome="recovered")
    with pytest.raises(Exception, match="afgesloten"):
        log(episode, 0, pain=3)
    assert episode.closed_at <= timezone.now()


# --- Rules version 2 -------------------------------------------------------------------


def checkin(episode, days_ago: int, pain: int, **extra):
    """A check-in made on the day itself."""
    day = TODAY - dt.timedelta(days=days_ago)
    values = {"function": "yes"} | extra
    return checkins.entry_save(
        episode=episode, day=day, answers={"pain": pain, **values}, today=day
    )


def test_held_advice_is_kept_on_the_episode_with_its_triage_rank(episode):
    # Onset 20 days ago: no usual activities on days 10-8 ago fires daily_activities
    # until 4 days ago; today it holds the advice, and the caseload ranks the row by it.
    for days_ago in range(13, -1, -1):
        checkin(episode, days_ago, pain=3, function="no" if 10 >= days_ago >= 8 else "yes")
    episode.refresh_from_db()
    assert episode.reasons == []
    assert episode.held == [engine.DAILY_ACTIVITIES]
    assert episode.level == engine.SEE_PHYSIO
    assert episode.triage_rank == 2  # daily_activities, second after worsening
    # What the patient reads (in English) says why the advice is still there.
    message = assessment.history_row(episode=episode).message
    assert "For several days in a row you could not do your daily activities." in message
    assert "This advice stays for a few days" in message


def test_a_reason_that_fires_again_while_held_is_not_a_new_alert(episode):
    for days_ago in range(13, 6, -1):
        checkin(episode, days_ago, pain=3, function="no" if days_ago >= 11 else "yes")
    episode.refresh_from_db()
    raised = episode.alert_raised_at
    assert raised is not None
    # Held from 6 days ago; a new run of "no" that fires while held (4-2 days ago)
    # is the same alert, not a new one.
    for days_ago in range(6, 1, -1):
        checkin(episode, days_ago, pain=3, function="no" if days_ago <= 4 else "yes")
    episode.refresh_from_db()
    assert episode.reasons == [engine.DAILY_ACTIVITIES]
    assert episode.alert_raised_at == raised


def test_an_assessment_under_another_rules_version_writes_a_history_row(episode):
    for days_ago in range(6, -1, -1):
        log(episode, days_ago, pain=6)
    assert AssessmentRecord.objects.count() == 2  # too few entries, then on track
    type(episode).objects.filter(pk=episode.pk).update(rules_version="2026.1")
    episode.refresh_from_db()
    assessment.reassess(episodes=[episode], today=TODAY)
    latest = episode.assessments.first()
    assert AssessmentRecord.objects.count() == 3
    assert (latest.level, latest.rules_version) == (engine.ON_TRACK, engine.RULES_VERSION)


def test_reassess_all_moves_every_open_episode_to_the_current_rules(episode):
    from django.core.management import call_command

    for days_ago in range(6, -1, -1):
        log(episode, days_ago, pain=6)
    type(episode).objects.filter(pk=episode.pk).update(rules_version="2026.1", level="see_physio")
    out = []

    class Stdout:
        def write(self, text):
            out.append(text)

    with time_machine.travel(dt.datetime(2026, 11, 21, 12, tzinfo=dt.UTC), tick=False):
        call_command("reassess", "--all", stdout=Stdout())
    episode.refresh_from_db()
    assert (episode.level, episode.rules_version) == (engine.ON_TRACK, engine.RULES_VERSION)
    latest = episode.assessments.first()
    assert latest.rules_version == engine.RULES_VERSION
    assert f"under rules version {engine.RULES_VERSION}" in "".join(out)


def test_the_daily_reassess_picks_up_episodes_of_an_older_rules_version(episode):
    from django.core.management import call_command

    for days_ago in range(6, -1, -1):
        log(episode, days_ago, pain=6)
    type(episode).objects.filter(pk=episode.pk).update(rules_version="2026.1")
    with time_machine.travel(dt.datetime(2026, 11, 21, 12, tzinfo=dt.UTC), tick=False):
        call_command("reassess", stdout=open("/dev/null", "w"))  # noqa: SIM115
    episode.refresh_from_db()
    assert episode.rules_version == engine.RULES_VERSION


def test_reassess_reads_the_onset_afresh_under_the_lock(episode):
    """A page loaded the episode; the first visit then moved the onset back 8 weeks
    before the page reassessed it: the snapshot follows the stored onset."""
    for days_ago in range(6, -1, -1):
        log(episode, days_ago, pain=6)
    loaded = type(episode).objects.get(pk=episode.pk)
    type(episode).objects.filter(pk=episode.pk).update(
        onset=TODAY - dt.timedelta(days=60), assessed_on=None
    )
    assessment.reassess(episodes=[loaded], today=TODAY)
    loaded.refresh_from_db()
    assert loaded.onset == TODAY - dt.timedelta(days=60)
    assert engine.NOT_RECOVERED_6W in loaded.reasons  # pain 6 at week 8


def test_an_episode_deleted_meanwhile_is_left_out_without_an_error(episode):
    loaded = type(episode).objects.get(pk=episode.pk)
    episode.patient.user.delete()  # the account was deleted meanwhile
    assert assessment.reassess(episodes=[loaded], today=TODAY) == 0
