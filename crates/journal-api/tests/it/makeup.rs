//! Make-up (отработка) of a missed topic: the earlier lessons of a load whose topic is owed, and a
//! make-up recorded at a later lesson taking one off that list.

use crate::fixture::*;
use journal_api::TopicInput;

#[test]
fn a_lesson_without_a_topic_is_owed_until_a_later_lesson_makes_it_up() {
    let mut f = Fixture::open();
    let missed = f.lesson_of_day();
    assert!(
        missed.topics.is_empty(),
        "the fixture's lesson of the day has no topic yet"
    );
    let grid = f
        .journal
        .grid(missed.load_id, None)
        .expect("the load's grid opens");
    let later = grid
        .columns
        .iter()
        .find(|c| c.date > missed.date)
        .expect("the load has a later lesson in the period")
        .clone();

    let own = f
        .journal
        .makeup_candidates(missed.id)
        .expect("candidates of the lesson itself");
    assert!(
        own.iter()
            .all(|c| c.lesson_id != missed.id && c.lesson_id != later.lesson_id),
        "a lesson is never its own make-up, nor is a later one: {own:?}"
    );
    assert!(
        own.iter().all(|c| c.date <= missed.date),
        "only earlier lessons are offered: {own:?}"
    );

    let before = f
        .journal
        .makeup_candidates(later.lesson_id)
        .expect("candidates of the later lesson");
    let owed = before
        .iter()
        .find(|c| c.lesson_id == missed.id)
        .expect("the lesson without a topic is offered for a make-up at the later lesson");
    assert_eq!(
        owed.reason_ru, "тема не записана",
        "the reason is said in Russian"
    );

    // On the later lesson's day, its topic is recorded as the make-up of the missed one.
    f.clock.set(at(later.date, 20, 0));
    let plan = f
        .journal
        .lesson(later.lesson_id)
        .expect("later lesson opens")
        .suggested_topic
        .expect("the КТП has a topic to give");
    f.journal
        .set_topic(
            later.lesson_id,
            &TopicInput {
                hour: Some(1),
                plan_topic_id: Some(plan.id),
                makeup_of: Some(missed.id),
                ..TopicInput::default()
            },
        )
        .expect("a make-up of an earlier lesson of the same load is recorded");
    let topics = f
        .journal
        .lesson(later.lesson_id)
        .expect("later lesson opens")
        .topics;
    assert_eq!(
        topics.first().and_then(|t| t.makeup_of),
        Some(missed.id),
        "the recorded topic names the lesson it makes up"
    );
    let after = f
        .journal
        .makeup_candidates(later.lesson_id)
        .expect("candidates after the make-up");
    assert!(
        after.iter().all(|c| c.lesson_id != missed.id),
        "a made-up lesson is no longer offered: {after:?}"
    );
    assert_eq!(
        after.len() + 1,
        before.len(),
        "exactly the made-up lesson left the list"
    );
}
