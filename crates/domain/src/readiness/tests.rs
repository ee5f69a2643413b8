//! Tests of `readiness`.

#![allow(clippy::unwrap_used)]

use super::*;
use jiff::civil::date;
use proptest::prelude::*;

fn facts(custody: CustodyDates) -> ReadinessFacts {
    ReadinessFacts {
        custody,
        arrangements: ReleaseArrangements::default(),
        health_handover: HealthHandoverState::NotSent,
        plan_shared_on: None,
    }
}

fn item(r: &Readiness, key: ItemKey) -> ReadinessItem {
    r.items().iter().find(|i| i.key == key).unwrap().clone()
}

#[test]
fn fifteen_working_days_out_without_accommodation_is_red() {
    let cal = Calendar::england_and_wales();
    // Today Monday 1 February 2027; release 15 working days later, Monday 22 February.
    let today = date(2027, 2, 1);
    let release = cal.add_working_days(today, 15).unwrap();
    assert_eq!(release, date(2027, 2, 22));
    let r = assess(&cal, &ReadinessRules::default(), &facts(CustodyDates::Sentenced { release }), today);
    let acc = item(&r, ItemKey::Accommodation);
    assert_eq!(acc.status, RagStatus::Red);
    // 20 working days before 22 February 2027: 25 January.
    assert_eq!(acc.due_by, Some(date(2027, 1, 25)));
    assert_eq!(
        acc.reason,
        "No confirmed address yet: accommodation was due 20 working days before release on 22 February 2027, \
         on 25 January 2027 (7 days ago)"
    );
    assert_eq!(r.status(), Some(RagStatus::Red));

    let mut f = facts(CustodyDates::Sentenced { release });
    f.arrangements.accommodation_address = Some("1 Example Road".into());
    f.arrangements.accommodation_confirmed_on = Some(today);
    let r = assess(&cal, &ReadinessRules::default(), &f, today);
    assert_eq!(item(&r, ItemKey::Accommodation).status, RagStatus::Green);
}

#[test]
fn health_handover_in_each_state() {
    let cal = Calendar::england_and_wales();
    let today = date(2027, 2, 1);
    let release = date(2027, 2, 5); // 4 working days away: the 5-day deadline has passed.
    let mut f = facts(CustodyDates::Sentenced { release });
    let r = assess(&cal, &ReadinessRules::default(), &f, today);
    let h = item(&r, ItemKey::HealthHandover);
    assert_eq!(h.status, RagStatus::Red);
    assert!(h.reason.starts_with("Health handover not acknowledged"), "{}", h.reason);

    f.health_handover = HealthHandoverState::Pending { due: date(2027, 2, 3) };
    let h = item(&assess(&cal, &ReadinessRules::default(), &f, today), ItemKey::HealthHandover);
    assert_eq!(h.status, RagStatus::Red);
    assert!(h.reason.starts_with("Health handover sent, waiting for acknowledgement due 3 February 2027"));

    f.health_handover = HealthHandoverState::Acknowledged { on: date(2027, 1, 29) };
    let h = item(&assess(&cal, &ReadinessRules::default(), &f, today), ItemKey::HealthHandover);
    assert_eq!(h.status, RagStatus::Green);
    assert_eq!(h.reason, "Health handover acknowledged on 29 January 2027");
}

#[test]
fn remand_items_count_back_from_the_next_court_date() {
    let cal = Calendar::england_and_wales();
    let today = date(2027, 2, 1);
    let r = assess(
        &cal,
        &ReadinessRules::default(),
        &facts(CustodyDates::Remanded { next_court_date: Some(date(2027, 2, 10)) }),
        today,
    );
    let keys: Vec<_> = r.items().iter().map(|i| i.key.as_str()).collect();
    assert_eq!(keys, ["next_court_date_plan", "bail_accommodation"]);
    // 5 working days before Wednesday 10 February: Wednesday 3 February, 2 days away.
    assert_eq!(item(&r, ItemKey::BailAccommodation).due_by, Some(date(2027, 2, 3)));
    assert_eq!(r.status(), Some(RagStatus::Amber));

    let r = assess(&cal, &ReadinessRules::default(), &facts(CustodyDates::Remanded { next_court_date: None }), today);
    assert!(item(&r, ItemKey::BailAccommodation).reason.contains("record the next court date"));
    assert_eq!(r.status(), Some(RagStatus::Amber));
    assert_eq!(
        assess(&cal, &ReadinessRules::default(), &facts(CustodyDates::NotInCustody), today),
        Readiness::NotApplicable
    );
}

#[test]
fn input_is_checked_and_applied() {
    let today = date(2027, 2, 1);
    let input = ReleaseArrangementsInput {
        version: Some(0),
        accommodation_confirmed_on: Some("2027-02-02".into()),
        first_appointment_time: Some("half ten".into()),
        ..Default::default()
    };
    let e = input.apply(&ReleaseArrangements::default(), today).unwrap_err();
    assert!(e.for_field("accommodation_confirmed_on").is_some());
    assert!(e.for_field("accommodation_address").is_some());
    assert!(e.for_field("first_appointment_time").is_some());

    let input = ReleaseArrangementsInput {
        accommodation_address: Some(" 1 Example Road ".into()),
        accommodation_confirmed_on: Some("2027-02-01".into()),
        ..Default::default()
    };
    let (next, changed) = input.apply(&ReleaseArrangements::default(), today).unwrap();
    assert_eq!(next.accommodation_address.as_deref(), Some("1 Example Road"));
    assert_eq!(next.version, 1);
    assert_eq!(changed, ["Accommodation address", "The day the accommodation was confirmed"]);
    // Left out is unchanged; sent empty is cleared.
    let input = ReleaseArrangementsInput { transport: Some("Taxi".into()), ..Default::default() };
    let (again, _) = input.apply(&next, today).unwrap();
    assert_eq!(again.accommodation_address.as_deref(), Some("1 Example Road"));
    let input = ReleaseArrangementsInput { transport: Some(String::new()), ..Default::default() };
    assert_eq!(input.apply(&again, today).unwrap().0.transport, None);
}

fn supported_date() -> impl Strategy<Value = Date> {
    (0i64..(40 * 365)).prop_map(|offset| date(2000, 1, 1).checked_add(Span::new().days(offset)).unwrap())
}

fn arrangements() -> impl Strategy<Value = ReleaseArrangements> {
    let text = || proptest::option::of(Just("Recorded".to_string()));
    let day = || proptest::option::of(Just(date(2020, 1, 1)));
    (text(), day(), text(), day(), text(), text(), day(), day(), text(), text(), text()).prop_map(
        |(addr, conf, ete, ete_on, act, gp, gp_on, appt, place, gate, transport)| ReleaseArrangements {
            accommodation_address: addr,
            accommodation_confirmed_on: conf,
            ete_arrangement: ete,
            ete_starts_on: ete_on,
            constructive_activity: act,
            gp_practice: gp,
            gp_registered_on: gp_on,
            first_appointment_on: appt,
            first_appointment_place: place,
            gate_met_by: gate,
            transport,
            ..Default::default()
        },
    )
}

fn handover() -> impl Strategy<Value = HealthHandoverState> {
    prop_oneof![
        Just(HealthHandoverState::NotSent),
        Just(HealthHandoverState::Pending { due: date(2020, 1, 1) }),
        Just(HealthHandoverState::Acknowledged { on: date(2020, 1, 1) }),
    ]
}

proptest! {
    #[test]
    fn statuses_follow_the_rules(
        release in supported_date(),
        offset in -60i64..=120,
        arrangements in arrangements(),
        health in handover(),
        shared in proptest::bool::ANY,
        warning in 0u32..=20,
    ) {
        let cal = Calendar::england_and_wales();
        let rules = ReadinessRules { warning_days: warning, ..ReadinessRules::default() };
        let today = release.checked_sub(Span::new().days(offset)).unwrap();
        let f = ReadinessFacts {
            custody: CustodyDates::Sentenced { release },
            arrangements,
            health_handover: health,
            plan_shared_on: shared.then_some(date(2020, 1, 1)),
        };
        let r = assess(&cal, &rules, &f, today);
        let Readiness::Assessed { status, items, .. } = &r else {
            return Err(TestCaseError::fail("a sentenced child is always assessed"));
        };
        let keys: Vec<_> = items.iter().map(|i| i.key).collect();
        prop_assert_eq!(keys, ItemKey::SENTENCE.to_vec());
        // The child's status is the worst item.
        prop_assert_eq!(Some(*status), items.iter().map(|i| i.status).max());
        for i in items {
            prop_assert!(!i.reason.trim().is_empty());
            let due = i.due_by.unwrap();
            prop_assert!(due <= release);
            if i.key == ItemKey::PlanShared {
                prop_assert_eq!(days_between(due, release), 14);
            } else {
                // Working-day deadlines never fall on a non-working day.
                prop_assert!(cal.is_working_day(due), "{:?} due {}", i.key, due);
            }
            let left = days_between(today, due);
            if i.done {
                prop_assert_eq!(i.status, RagStatus::Green);
            } else if left < 0 {
                prop_assert_eq!(i.status, RagStatus::Red);
                prop_assert!(i.reason.contains("was due"), "{}", i.reason);
            } else if left <= i64::from(warning) {
                prop_assert_eq!(i.status, RagStatus::Amber);
            } else {
                prop_assert_eq!(i.status, RagStatus::Green);
            }
        }
        // Done is decided by what was recorded.
        let h = items.iter().find(|i| i.key == ItemKey::HealthHandover).unwrap();
        prop_assert_eq!(h.done, matches!(health, HealthHandoverState::Acknowledged { .. }));
        let p = items.iter().find(|i| i.key == ItemKey::PlanShared).unwrap();
        prop_assert_eq!(p.done, shared);
    }

    #[test]
    fn amber_exactly_within_the_window(
        due in supported_date(), offset in -30i64..=30, warning in 0u32..=20, done in proptest::bool::ANY,
    ) {
        let today = due.checked_sub(Span::new().days(offset)).unwrap();
        let s = item_status(done, Some(due), today, warning);
        let amber = !done && offset >= 0 && offset <= i64::from(warning);
        prop_assert_eq!(s == RagStatus::Amber, amber);
        prop_assert_eq!(s == RagStatus::Red, !done && offset < 0);
    }
}
