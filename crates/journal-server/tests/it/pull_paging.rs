//! The pull's pages and cursor for users who read only some loads, when the changes of loads they
//! read and of loads they do not read alternate: every page is the one a scan of every change in
//! server order makes (a change not read is skipped and the cursor moves past it while the page
//! has room), whatever the page size, whichever part the database leaves out.

use std::collections::HashSet;

use crate::support::{outcome_name, set_cell, today, Backend, TestServer};

/// Pages from the start: each page's server_seqs, its cursor and whether more wait.
async fn pages(s: &TestServer, token: &str, limit: u32) -> Vec<(Vec<u64>, u64, bool)> {
    let mut after = 0;
    let mut out = Vec::new();
    loop {
        let page = s.pull(token, after, limit).await;
        let seqs = page.changes.iter().map(|c| c.server_seq).collect();
        out.push((seqs, page.next_after, page.has_more));
        if !page.has_more {
            return out;
        }
        assert!(out.len() < 200, "paging ends");
        after = page.next_after;
    }
}

/// The pages a scan of every change (`all`, in server order) makes for a user who reads
/// `readable`.
fn scanned_pages(all: &[u64], readable: &HashSet<u64>, limit: usize) -> Vec<(Vec<u64>, u64, bool)> {
    let mut after = 0;
    let mut out = Vec::new();
    loop {
        let (mut seqs, mut next_after, mut has_more) = (Vec::new(), after, false);
        for &seq in all.iter().filter(|&&seq| seq > after) {
            if !readable.contains(&seq) {
                if seqs.len() < limit {
                    next_after = seq;
                }
                continue;
            }
            if seqs.len() == limit {
                has_more = true;
                break;
            }
            seqs.push(seq);
            next_after = seq;
        }
        out.push((seqs, next_after, has_more));
        if !has_more {
            return out;
        }
        after = next_after;
    }
}

async fn pages_skip_unread_changes_as_a_full_scan_would(b: Backend) {
    let s = TestServer::start(b).await;
    let mut first = s.device("teacher").await;
    let mut second = s.device("teacher2").await;
    let lesson_a = s.lessons_of("teacher", today()).remove(0);
    let lesson_b = s.lessons_of("teacher2", today()).remove(0);
    assert_ne!(
        lesson_a.load_id, lesson_b.load_id,
        "the two teachers write into two loads"
    );
    let (students_a, students_b) = (s.students_of(&lesson_a), s.students_of(&lesson_b));
    let (at_a, at_b) = (s.during(&lesson_a), s.during(&lesson_b));
    // One change of the first load, two of the second, four times: the history ends with changes
    // the first teacher does not read.
    let mut pushed = 0;
    for round in 0..4 {
        let op = first.op(at_a, set_cell(lesson_a.id, students_a[round], "5"));
        let ops_b: Vec<_> = students_b[2 * round..2 * round + 2]
            .iter()
            .map(|st| second.op(at_b, set_cell(lesson_b.id, *st, "4")))
            .collect();
        for r in s
            .push(&first, &[op])
            .await
            .iter()
            .chain(s.push(&second, &ops_b).await.iter())
        {
            assert_eq!(outcome_name(r), "applied", "{r:?}");
            pushed += 1;
        }
    }
    let all: Vec<u64> = (1..=pushed).collect();
    let deputy = s.device("deputy").await;
    assert_eq!(
        pages(&s, &deputy.token, 500).await,
        vec![(all.clone(), pushed, false)],
        "the deputy reads every load"
    );

    for login in ["teacher", "teacher2", "curator"] {
        let user = s.device(login).await;
        let whole = pages(&s, &user.token, 500).await;
        let readable: HashSet<u64> = whole.iter().flat_map(|(seqs, ..)| seqs.clone()).collect();
        if login == "teacher" {
            assert!(
                !readable.is_empty() && readable.len() < all.len(),
                "the first teacher reads some of the changes, not all"
            );
        }
        for limit in 1..=4 {
            assert_eq!(
                pages(&s, &user.token, limit).await,
                scanned_pages(&all, &readable, limit as usize),
                "{login}'s pages of {limit}"
            );
        }
    }

    // A family's pages are cut further by what the family sees (the cursor stays where the
    // storage's page put it); paging still gives every change it sees once, in order.
    let parent = s.device("parent").await;
    let whole: Vec<u64> = pages(&s, &parent.token, 500).await.remove(0).0;
    for limit in 1..=3 {
        let paged = pages(&s, &parent.token, limit).await;
        let seqs: Vec<u64> = paged.iter().flat_map(|(seqs, ..)| seqs.clone()).collect();
        assert_eq!(seqs, whole, "the parent's pages of {limit}");
    }
}

conformance!(pages_skip_unread_changes_as_a_full_scan_would);
