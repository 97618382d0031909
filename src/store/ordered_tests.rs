//! The in-memory store: order, duplicates, follow-ups and loose messages.
use super::*;
use crate::store::RecordRef;

fn conversation(id: &str) -> Update {
    Update::Conversation(Box::new(Conversation {
        id: id.into(),
        messages: vec![Message::default()],
        ..Default::default()
    }))
}

fn ids(store: &Store) -> Vec<&str> {
    store
        .conversations()
        .iter()
        .map(|c| c.id.as_str())
        .collect()
}

fn message(id: &str) -> Message {
    Message {
        id: id.into(),
        ..Default::default()
    }
}

fn loose(conversation: &str, id: &str, at: &str) -> Update {
    let at = at.parse().ok();
    Update::Loose {
        shell: Box::new(Conversation {
            id: conversation.into(),
            started_at: at,
            last_message_at: at,
            ..Default::default()
        }),
        message: Box::new(Message {
            id: id.into(),
            sent_at: at,
            ..Default::default()
        }),
    }
}

#[test]
fn keeps_vendor_order_when_pages_arrive_out_of_order() {
    let mut store = Store::<Conversation>::default();
    store.apply((0, 2), vec![conversation("e"), conversation("f")]);
    store.apply((0, 0), vec![conversation("a"), conversation("b")]);
    store.apply((0, 1), vec![conversation("c"), conversation("d")]);
    assert_eq!(ids(&store), vec!["a", "b", "c", "d", "e", "f"]);
    assert_eq!(store.get("d").unwrap().id, "d");
    assert_eq!(store.message_count(), 6);
}

#[test]
fn a_page_fetched_again_with_new_records_keeps_the_first_arrivals_first() {
    // Offsets that shifted: the second fetch of page 1 brings other conversations to the same
    // places, so pairs of conversations share a key.
    let page = |prefix: &str| {
        (0..40)
            .map(|i| conversation(&format!("{prefix}{i}")))
            .collect()
    };
    let mut store = Store::<Conversation>::default();
    store.apply((0, 1), page("a"));
    store.apply((0, 2), vec![conversation("c")]);
    store.apply((0, 0), vec![conversation("z")]);
    store.apply((0, 1), page("x"));
    store.settle();
    let mut expected = vec!["z".to_string()];
    for i in 0..40 {
        expected.push(format!("a{i}"));
        expected.push(format!("x{i}"));
    }
    expected.push("c".into());
    assert_eq!(ids(&store), expected);
}

#[test]
fn a_page_fetched_twice_adds_nothing() {
    let mut store = Store::<Conversation>::default();
    store.apply((0, 0), vec![conversation("a"), conversation("b")]);
    store.apply((0, 0), vec![conversation("a"), conversation("b")]);
    store.apply((0, 1), vec![conversation("b"), conversation("c")]);
    assert_eq!(ids(&store), vec!["a", "b", "c"]);
    assert_eq!(store.duplicates_skipped, 3);
    assert_eq!(store.message_count(), 3);
}

#[test]
fn changes_are_tracked_only_when_asked_and_each_once_until_taken() {
    let mut store = Store::<Conversation>::default();
    store.apply((0, 0), vec![conversation("a")]);
    assert!(store.take_changed().is_empty(), "off unless asked");
    store.track_changes();
    store.apply((0, 1), vec![conversation("b"), conversation("a")]);
    store.apply(
        (u32::MAX, 0),
        vec![Update::Message {
            conversation_id: "b".into(),
            message: Box::new(message("m")),
        }],
    );
    store.apply((1, 0), vec![loose("c", "x", "2026-05-01T00:00:00Z")]);
    assert_eq!(
        store.take_changed(),
        vec!["b", "c"],
        "a duplicate is no change"
    );
    assert!(store.take_changed().is_empty());
    store.apply((1, 0), vec![loose("c", "x", "2026-05-01T00:00:00Z")]);
    assert!(store.take_changed().is_empty(), "a message seen before");
}

#[test]
fn follow_up_messages_join_their_conversation_in_order_once() {
    let mut store = Store::<Conversation>::default();
    store.apply(
        (0, 0),
        vec![Update::Conversation(Box::new(Conversation {
            id: "c".into(),
            ..Default::default()
        }))],
    );
    let page = |offset: usize, ids: &[&str]| -> Vec<Update> {
        ids.iter()
            .enumerate()
            .map(|(index, id)| Update::Message {
                conversation_id: "c".into(),
                message: Box::new(Message {
                    position: offset + index,
                    ..message(id)
                }),
            })
            .collect()
    };
    store.apply((u32::MAX, 1), page(2, &["m3", "m4"]));
    store.apply((u32::MAX, 0), page(0, &["m1", "m2"]));
    store.apply((u32::MAX, 0), page(0, &["m1", "m2"]));
    let messages: Vec<(&str, usize)> = store
        .get("c")
        .unwrap()
        .messages
        .iter()
        .map(|m| (m.id.as_str(), m.position))
        .collect();
    assert_eq!(messages, vec![("m1", 0), ("m2", 1), ("m3", 2), ("m4", 3)]);
    assert_eq!(store.message_count(), 4);
    store.apply(
        (u32::MAX, 0),
        vec![Update::Message {
            conversation_id: "ghost".into(),
            message: Box::new(message("x")),
        }],
    );
    assert_eq!(store.warnings.len(), 1);
}

#[test]
fn a_conversation_sits_where_its_first_message_puts_it_whatever_arrives_first() {
    let mut early_first = Store::<Conversation>::default();
    early_first.apply(
        (0, 0),
        vec![
            loose("a", "a1", "2026-04-01T10:00:00Z"),
            loose("b", "b1", "2026-04-02T10:00:00Z"),
        ],
    );
    early_first.apply(
        (1, 0),
        vec![
            loose("b", "b2", "2026-05-02T10:00:00Z"),
            loose("a", "a2", "2026-05-03T10:00:00Z"),
        ],
    );
    let mut late_first = Store::<Conversation>::default();
    late_first.apply(
        (1, 0),
        vec![
            loose("b", "b2", "2026-05-02T10:00:00Z"),
            loose("a", "a2", "2026-05-03T10:00:00Z"),
        ],
    );
    late_first.apply(
        (0, 0),
        vec![
            loose("a", "a1", "2026-04-01T10:00:00Z"),
            loose("b", "b1", "2026-04-02T10:00:00Z"),
        ],
    );
    assert_eq!(ids(&early_first), vec!["a", "b"]);
    assert_eq!(ids(&late_first), vec!["a", "b"]);
    assert_eq!(late_first.get("b").unwrap().messages[0].id, "b1");
}

#[test]
fn loose_messages_group_into_conversations_in_stream_order() {
    let mut store = Store::<Conversation>::default();
    store.apply(
        (1, 0),
        vec![
            loose("c1", "m3", "2026-04-20T10:00:00Z"),
            loose("c2", "n1", "2026-04-20T11:00:00Z"),
        ],
    );
    store.apply(
        (0, 0),
        vec![
            loose("c1", "m1", "2026-04-01T10:00:00Z"),
            loose("c1", "m2", "2026-04-01T10:05:00Z"),
        ],
    );
    store.apply((0, 0), vec![loose("c1", "m1", "2026-04-01T10:00:00Z")]);
    assert_eq!(ids(&store), vec!["c1", "c2"], "ordered by first message");
    let c1 = store.get("c1").unwrap();
    let order: Vec<&str> = c1.messages.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(order, vec!["m1", "m2", "m3"]);
    assert_eq!(
        c1.messages.iter().map(|m| m.position).collect::<Vec<_>>(),
        vec![0, 1, 2]
    );
    assert_eq!(
        c1.started_at.unwrap().to_rfc3339(),
        "2026-04-01T10:00:00+00:00"
    );
    assert_eq!(
        c1.last_message_at.unwrap().to_rfc3339(),
        "2026-04-20T10:00:00+00:00"
    );
    assert_eq!(store.message_count(), 4);
    assert_eq!(store.duplicates_skipped, 1);
}

#[test]
fn a_message_is_a_duplicate_only_within_its_conversation_wherever_that_moved() {
    let mut store = Store::<Conversation>::default();
    store.apply((1, 0), vec![loose("late", "m1", "2026-04-20T10:00:00Z")]);
    // An earlier page moves "early" before "late": what each was given moves with it.
    store.apply(
        (0, 0),
        vec![
            loose("early", "m1", "2026-04-01T10:00:00Z"),
            loose("early", "m2", "2026-04-01T10:05:00Z"),
        ],
    );
    store.apply((0, 0), vec![loose("early", "m2", "2026-04-01T10:05:00Z")]);
    store.apply((1, 0), vec![loose("late", "m1", "2026-04-20T10:00:00Z")]);
    assert_eq!(ids(&store), vec!["early", "late"]);
    let messages = |id: &str| {
        let kept = store.get(id).unwrap();
        kept.messages
            .iter()
            .map(|m| m.id.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(messages("early"), vec!["m1", "m2"]);
    assert_eq!(
        messages("late"),
        vec!["m1"],
        "the same id in another conversation"
    );
    assert_eq!(store.duplicates_skipped, 2);
}

#[test]
fn a_permutation_moves_every_slice_alike_in_place() {
    // Cycles of one, two and four, and the item at 0 moving last.
    let mut order = vec![3, 1, 4, 0, 2, 6, 5, 7];
    let expected_letters: Vec<char> = order.iter().map(|&at| (b'a' + at as u8) as char).collect();
    let mut letters: Vec<char> = "abcdefgh".chars().collect();
    let mut numbers: Vec<u32> = (0..8).collect();
    let expected_numbers = order.clone();
    permute(
        &mut order,
        &mut [&mut Swap(&mut letters), &mut Swap(&mut numbers)],
    );
    assert_eq!(letters, expected_letters);
    assert_eq!(numbers, expected_numbers);
}

/// Property tests: proptest runs on the host only.
#[cfg(not(target_arch = "wasm32"))]
mod arrival_order {
    use super::*;
    use proptest::prelude::*;

    /// A row of a page: a message of one of a few conversations (Mindo), or a whole
    /// conversation of its own (every other vendor).
    #[derive(Debug, Clone, Copy)]
    enum Row {
        MessageOf(u8),
        Whole,
    }

    fn row_update(row: Row, number: usize) -> Update {
        match row {
            Row::MessageOf(conversation) => loose(
                &format!("c{conversation}"),
                &format!("m{number}"),
                "2026-04-01T10:00:00Z",
            ),
            Row::Whole => conversation(&format!("whole{number}")),
        }
    }

    /// Rows numbered in the vendor's order, cut into pages of three date windows, the pages cut
    /// into parts, the parts applied in a shuffled order.
    fn arrivals() -> impl Strategy<Value = (Vec<Row>, usize, Vec<(usize, usize, bool)>)> {
        let row = prop_oneof![(0u8..6).prop_map(Row::MessageOf), Just(Row::Whole)];
        (prop::collection::vec(row, 1..80), 1usize..12, 1usize..6).prop_flat_map(
            |(rows, page_size, part_size)| {
                // Each part: (first row, end row), and whether the engine settles after it.
                let parts: Vec<(usize, usize)> = (0..rows.len())
                    .step_by(page_size)
                    .flat_map(|page_start| {
                        let page_end = (page_start + page_size).min(rows.len());
                        (page_start..page_end)
                            .step_by(part_size)
                            .map(move |start| (start, (start + part_size).min(page_end)))
                    })
                    .collect();
                let count = parts.len();
                (
                    Just(rows),
                    Just(page_size),
                    Just(parts).prop_shuffle(),
                    prop::collection::vec(any::<bool>(), count),
                )
                    .prop_map(|(rows, page_size, parts, settles)| {
                        let parts = parts
                            .into_iter()
                            .zip(settles)
                            .map(|((start, end), settle)| (start, end, settle))
                            .collect();
                        (rows, page_size, parts)
                    })
            },
        )
    }

    proptest::proptest! {
        #[test]
        fn parts_in_any_order_settle_to_the_vendors_order(
            (rows, page_size, parts) in arrivals()
        ) {
            let pages_per_window = 3;
            let mut store = Store::<Conversation>::default();
            // The same arrivals kept as summaries: each part is an entry of the journal.
            let mut summaries = Store::<crate::store::Summary>::default();
            let mut row_at = std::collections::HashMap::new();
            for (entry, (start, end, settle)) in parts.into_iter().enumerate() {
                let page = start / page_size;
                let order = ((page / pages_per_window) as u32, (page % pages_per_window) as u32);
                let first = (start - page * page_size) as u32;
                let updates = (start..end).map(|number| row_update(rows[number], number)).collect();
                store.apply_from(order, first, updates, 0);
                let updates = (start..end).map(|number| row_update(rows[number], number)).collect();
                summaries.apply_from(order, first, updates, entry as u32);
                for number in start..end {
                    row_at.insert(RecordRef { entry: entry as u32, index: first + (number - start) as u32 }, number);
                }
                if settle {
                    store.settle();
                    summaries.settle();
                }
            }
            store.settle();
            summaries.settle();
            // The summaries keep the same conversations, in the same order, and point at their
            // messages' records in transcript order.
            let summarised: Vec<(String, Vec<String>)> = summaries
                .conversations()
                .iter()
                .map(|s| (s.id.clone(), s.parts.iter().map(|part| format!("m{}", row_at[&part.at])).collect()))
                .collect();
            let kept: Vec<(String, Vec<String>)> = store
                .conversations()
                .iter()
                .map(|c| (c.id.clone(), c.messages.iter().map(|m| m.id.clone()).filter(|id| !id.is_empty()).collect()))
                .collect();
            proptest::prop_assert_eq!(summarised, kept);

            // Rows are numbered in the vendor's order: a conversation sits where its first row
            // does, its messages in the order of their rows.
            let mut expected: Vec<(String, Vec<String>)> = Vec::new();
            for (number, row) in rows.iter().enumerate() {
                let (id, message) = match row {
                    Row::MessageOf(c) => (format!("c{c}"), Some(format!("m{number}"))),
                    Row::Whole => (format!("whole{number}"), None),
                };
                match expected.iter_mut().find(|(existing, _)| *existing == id) {
                    Some((_, messages)) => messages.extend(message),
                    None => expected.push((id, message.into_iter().collect())),
                }
            }
            let stored: Vec<(String, Vec<String>)> = store
                .conversations()
                .iter()
                .map(|c| {
                    let messages = c.messages.iter().map(|m| m.id.clone()).filter(|id| !id.is_empty()).collect();
                    (c.id.clone(), messages)
                })
                .collect();
            proptest::prop_assert_eq!(stored, expected);
            for (at, conversation) in store.conversations().iter().enumerate() {
                proptest::prop_assert_eq!(store.get(&conversation.id).map(|c| &c.id), Some(&conversation.id));
                proptest::prop_assert_eq!(store.index[&conversation.id], at);
            }
        }
    }
}
