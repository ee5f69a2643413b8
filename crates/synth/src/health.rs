//! Synthetic health records: for some children with a named YJS health worker, a community
//! health assessment, SDQ scores over time, a consent decision, and a note recorded by the case
//! manager handed over to the health worker (some acknowledged, some waiting, some overdue).

use std::sync::OnceLock;

use jiff::civil::Date;
use rand::Rng;
use resettle_domain::calendar::Calendar;
use resettle_domain::health::*;
use resettle_domain::ids::*;
use resettle_domain::org::Role;
use resettle_domain::plan::Pathway;
use resettle_storage::SyntheticBatch;

use crate::{SynthRng, at, days_before, uuid};

fn calendar() -> &'static Calendar {
    static CAL: OnceLock<Calendar> = OnceLock::new();
    CAL.get_or_init(Calendar::england_and_wales)
}

const CONCERNS: &[(HealthCategory, &str)] = &[
    (HealthCategory::MentalHealth, "Says he is not sleeping and feels on edge most days"),
    (HealthCategory::SubstanceUse, "Mentioned using cannabis daily to cope"),
    (HealthCategory::PhysicalHealth, "Asthma inhaler ran out; no GP registration"),
    (HealthCategory::Neurodisability, "School reports suspected ADHD, never assessed"),
    (HealthCategory::SpeechLanguageCommunication, "Struggles to follow written instructions"),
];

/// What the generator knows about the child and the people around them.
pub(crate) struct HealthFor<'a> {
    pub child: ChildId,
    pub today: Date,
    pub age: i64,
    pub yjs: OrgId,
    pub case_manager: (UserId, &'a str),
    pub health_worker: UserId,
}

pub(crate) fn records(rng: &mut SynthRng, batch: &mut SyntheticBatch, h: &HealthFor<'_>) {
    let child = h.child;
    let assessed_on = days_before(h.today, rng.random_range(40..220));
    let (category, concern) = CONCERNS[rng.random_range(0..CONCERNS.len())];
    let need = match category {
        HealthCategory::SubstanceUse => (Pathway::SubstanceMisuse, "Substance misuse worker to start reduction work"),
        _ => (Pathway::Health, "CAMHS follow-up for low mood and sleep"),
    };
    batch.assessments.push(Assessment {
        id: AssessmentId(uuid(rng)),
        child_id: child,
        kind: AssessmentKind::CommunityHealthAssessment,
        author_id: h.health_worker,
        author_name: "YJS health worker".into(),
        organisation_id: h.yjs,
        assessed_on,
        sections: vec![
            SectionFindings {
                section: Section::MentalHealth,
                findings: "Low mood, poor sleep; no self-harm disclosed".into(),
                review: Review::New,
                carried_from: None,
                close_reason: None,
            },
            SectionFindings {
                section: Section::PhysicalHealth,
                findings: "Registered with a GP; asthma, uses a reliever inhaler".into(),
                review: Review::New,
                carried_from: None,
                close_reason: None,
            },
        ],
        needs: vec![IdentifiedNeed {
            pathway: need.0,
            description: need.1.into(),
            review: Review::New,
            plan_need_id: None,
            close_reason: None,
        }],
        status: AssessmentStatus::Complete,
        based_on: None,
        version: 1,
        created_at: at(assessed_on, rng),
    });
    // SDQ every few weeks, mostly improving.
    let mut score: i32 = rng.random_range(18..32);
    let mut day = assessed_on;
    while day < h.today {
        batch.measures.push(Measure {
            id: MeasureId(uuid(rng)),
            child_id: child,
            kind: MeasureKind::SdqTotal,
            score: u8::try_from(score.clamp(0, 40)).unwrap_or(0),
            rater: if rng.random_bool(0.5) { Rater::Clinician } else { Rater::SelfReport },
            measured_on: day,
            recorded_by_name: "YJS health worker".into(),
            recorded_at: at(day, rng),
        });
        score += rng.random_range(-5..3);
        day = day.checked_add(jiff::Span::new().days(rng.random_range(30..60))).unwrap_or(h.today);
    }
    let consent_id = ConsentId(uuid(rng));
    batch.consents.push(Consent {
        id: consent_id,
        child_id: child,
        decision: ConsentDecision::ConsentGiven,
        capacity: if h.age >= 16 { Capacity::Presumed } else { Capacity::Assessed },
        decided_by: None,
        share_with_organisation_id: h.yjs,
        share_with_role: Some(Role::YjsCaseManager),
        purpose: "Health needs that affect the resettlement plan, so the case manager can plan around them".into(),
        lawful_basis: None,
        decided_on: assessed_on,
        recorded_by_name: "YJS health worker".into(),
        recorded_at: at(assessed_on, rng),
    });
    batch.shares.push(ShareLogEntry {
        id: ShareId(uuid(rng)),
        child_id: child,
        what: "Health information: health needs that affect the resettlement plan".into(),
        with_organisation_id: h.yjs,
        with_user_id: None,
        with_role: Some(Role::YjsCaseManager),
        why: "With consent".into(),
        shared_at: at(assessed_on, rng),
        shared_by_name: "YJS health worker".into(),
        handover_id: None,
        consent_id: Some(consent_id),
    });
    // A note from the case manager, handed over: acknowledged, waiting or overdue.
    let sent_on = days_before(h.today, rng.random_range(0..12));
    let sent_at = at(sent_on, rng);
    let record_id = HealthRecordId(uuid(rng));
    batch.health_records.push(HealthRecord {
        id: record_id,
        child_id: child,
        category,
        summary: concern.into(),
        detail: None,
        source: Some("The child, at a supervision appointment".into()),
        recorded_by: h.case_manager.0,
        recorded_by_name: h.case_manager.1.to_string(),
        recorded_at: sent_at,
    });
    let due_on = calendar().add_working_days(sent_on, 2).unwrap_or(sent_on);
    let acknowledged = due_on < h.today && rng.random_bool(0.6);
    let handover_id = HandoverId(uuid(rng));
    let summary = format!("{}: {concern}", category.label());
    batch.handovers.push(Handover {
        id: handover_id,
        child_id: child,
        item_kind: "health_record".into(),
        item_id: Some(record_id.0),
        summary: summary.clone(),
        sender_id: Some(h.case_manager.0),
        sender_name: h.case_manager.1.to_string(),
        sender_organisation_id: Some(h.yjs),
        recipient: Recipient {
            user_id: Some(h.health_worker),
            organisation_id: h.yjs,
            role: Some(Role::YjsHealthWorker),
        },
        sent_at,
        due_on,
        acknowledged_at: acknowledged.then(|| at(due_on, rng)),
        acknowledged_by_name: acknowledged.then(|| "YJS health worker".to_string()),
        acknowledgement_note: acknowledged.then(|| "Seen; will raise at the next health review".to_string()),
    });
    batch.shares.push(ShareLogEntry {
        id: ShareId(uuid(rng)),
        child_id: child,
        what: summary,
        with_organisation_id: h.yjs,
        with_user_id: Some(h.health_worker),
        with_role: Some(Role::YjsHealthWorker),
        why: "Health information recorded by the team goes to the child's YJS health worker".into(),
        shared_at: sent_at,
        shared_by_name: h.case_manager.1.to_string(),
        handover_id: Some(handover_id),
        consent_id: None,
    });
}
