//! Tests of `fhir`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use jiff::civil::date;
use serde_json::{Value, json};

fn bundle_json(export: &HealthExport) -> Value {
    let now: Timestamp = "2026-11-22T10:15:30.123Z".parse().unwrap();
    serde_json::to_value(health_bundle(export, Uuid::from_u128(0xb), now)).unwrap()
}

fn child() -> ChildId {
    ChildId(Uuid::from_u128(0xc))
}

fn of_type<'a>(b: &'a Value, t: &str) -> Vec<&'a Value> {
    b["entry"].as_array().unwrap().iter().map(|e| &e["resource"]).filter(|r| r["resourceType"] == t).collect()
}

#[test]
fn a_bundle_is_a_timestamped_collection_of_uuid_entries() {
    let b = bundle_json(&example(child(), date(2026, 11, 22)));
    assert_eq!(b["resourceType"], "Bundle");
    assert_eq!(b["type"], "collection");
    assert_eq!(b["timestamp"], "2026-11-22T10:15:30Z");
    assert_eq!(b["meta"]["lastUpdated"], "2026-11-22T10:15:30Z");
    assert_eq!(b["identifier"]["value"], format!("urn:uuid:{}", Uuid::from_u128(0xb)));
    for e in b["entry"].as_array().unwrap() {
        assert_eq!(e["fullUrl"], format!("urn:uuid:{}", e["resource"]["id"].as_str().unwrap()), "{e}");
    }
    let types: Vec<&str> =
        b["entry"].as_array().unwrap().iter().map(|e| e["resource"]["resourceType"].as_str().unwrap()).collect();
    for t in ["Patient", "Organization", "Practitioner", "CareTeam", "Condition", "CarePlan", "Observation", "Consent"]
    {
        assert!(types.contains(&t), "{t} missing from {types:?}");
    }
    assert_eq!(types[0], "Patient");
}

#[test]
fn every_reference_names_an_entry() {
    let b = bundle_json(&example(child(), date(2026, 11, 22)));
    let urls: Vec<&str> = b["entry"].as_array().unwrap().iter().map(|e| e["fullUrl"].as_str().unwrap()).collect();
    fn walk<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    // Consent.provision.actor.reference is itself a Reference.
                    if let (true, Some(s)) = (k == "reference", v.as_str()) {
                        out.push(s);
                    }
                    walk(v, out);
                }
            }
            Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut refs = Vec::new();
    walk(&b, &mut refs);
    assert!(refs.len() > 20, "{refs:?}");
    for r in refs {
        assert!(urls.contains(&r), "{r} is not an entry");
    }
    // Each organisation and person appears once, however often referred to.
    let orgs = of_type(&b, "Organization");
    let mut ids: Vec<&str> = orgs.iter().map(|o| o["id"].as_str().unwrap()).collect();
    ids.dedup();
    assert_eq!(ids.len(), 3);
    assert_eq!(orgs.len(), 3);
}

#[test]
fn the_child_is_the_patient_with_the_nhs_number_system() {
    let b = bundle_json(&example(child(), date(2026, 11, 22)));
    let p = of_type(&b, "Patient")[0];
    assert_eq!(p["id"], child().to_string());
    assert_eq!(p["identifier"], json!([{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9990000018"}]));
    assert_eq!(p["birthDate"], "2011-11-22");
    assert_eq!(p["gender"], "male");
    assert_eq!(
        p["name"][0],
        json!({"use": "official", "text": "Jordan Testcase", "family": "Testcase", "given": ["Jordan"]})
    );
    assert_eq!(p["name"][1]["given"], json!(["Jojo"]));
    let mut without = example(child(), date(2026, 11, 22));
    without.child.nhs_number = None;
    without.child.gender = None;
    let p = of_type(&bundle_json(&without), "Patient")[0].clone();
    assert!(p.get("identifier").is_none() && p.get("gender").is_none(), "{p}");
}

#[test]
fn needs_become_conditions_and_care_plan_activities_by_status() {
    let b = bundle_json(&example(child(), date(2026, 11, 22)));
    let conditions = of_type(&b, "Condition");
    assert_eq!(conditions.len(), 5);
    let by_title = |t: &str| *conditions.iter().find(|c| c["code"]["text"] == t).unwrap();
    let status = |c: &Value| {
        (
            c["clinicalStatus"]["coding"][0]["code"].as_str().unwrap().to_string(),
            c["verificationStatus"]["coding"][0]["code"].as_str().unwrap().to_string(),
        )
    };
    assert_eq!(status(by_title("Mental health assessment")), ("active".into(), "confirmed".into()));
    assert_eq!(status(by_title("Dental check")), ("resolved".into(), "confirmed".into()));
    assert_eq!(status(by_title("Cannabis use support")), ("active".into(), "confirmed".into()));
    assert_eq!(status(by_title("Alcohol screening")), ("inactive".into(), "refuted".into()));
    assert_eq!(by_title("GP registration")["subject"]["reference"], format!("urn:uuid:{}", child()));
    assert_eq!(by_title("Cannabis use support")["category"][1]["text"], "Substance misuse");
    let plan = of_type(&b, "CarePlan")[0];
    assert_eq!((plan["status"].as_str(), plan["intent"].as_str()), (Some("active"), Some("plan")));
    let activities = plan["activity"].as_array().unwrap();
    let statuses: Vec<&str> = activities.iter().map(|a| a["detail"]["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["in-progress", "not-started", "completed", "cancelled", "cancelled"]);
    assert_eq!(activities[3]["detail"]["statusReason"]["text"], "Declined by the child or their family");
    assert!(activities.iter().all(|a| a.get("reference").is_none()), "detail only (cpl-3)");
    assert_eq!(plan["addresses"].as_array().unwrap().len(), 5);
    assert_eq!(plan["period"]["start"], "2026-08-14");
}

#[test]
fn needs_on_other_pathways_never_leave() {
    let mut e = example(child(), date(2026, 11, 22));
    if let Some(p) = e.pathway.as_mut() {
        p.needs[0].pathway = Pathway::Accommodation;
    }
    let b = bundle_json(&e);
    assert_eq!(of_type(&b, "Condition").len(), 4);
    assert!(!b.to_string().contains("Mental health assessment"));
}

#[test]
fn without_a_plan_there_is_no_care_plan_and_no_condition() {
    let mut e = example(child(), date(2026, 11, 22));
    e.pathway = None;
    let b = bundle_json(&e);
    assert!(of_type(&b, "CarePlan").is_empty() && of_type(&b, "Condition").is_empty());
}

#[test]
fn the_team_names_people_on_behalf_of_their_organisation() {
    let b = bundle_json(&example(child(), date(2026, 11, 22)));
    let team = of_type(&b, "CareTeam")[0];
    let participants = team["participant"].as_array().unwrap();
    assert_eq!(participants.len(), 3);
    let worker = participants.iter().find(|p| p.get("onBehalfOf").is_some()).unwrap();
    assert_eq!(worker["member"]["reference"], format!("urn:uuid:{}", Uuid::from_u128(0x2001)));
    assert_eq!(worker["role"][0]["text"], "YJS health worker: Health");
    // An organisation as a member has no onBehalfOf (ctm-1).
    assert_eq!(participants.iter().filter(|p| p.get("onBehalfOf").is_none()).count(), 2);
    let practitioner = of_type(&b, "Practitioner")[0];
    assert_eq!(practitioner["telecom"][0]["value"], "hana.health@yjs.example.org");
}

#[test]
fn measures_become_observations_with_their_rater() {
    let b = bundle_json(&example(child(), date(2026, 11, 22)));
    let obs = of_type(&b, "Observation");
    assert_eq!(obs.len(), 3);
    // Oldest first.
    assert_eq!(obs[0]["valueInteger"], 24);
    assert_eq!(obs[0]["code"]["text"], "SDQ total difficulties score");
    assert_eq!(obs[0]["performer"][0]["reference"], format!("urn:uuid:{}", child()));
    assert_eq!(obs[1]["code"]["text"], "HoNOSCA total score");
    assert_eq!(obs[1]["method"]["text"], "Rated by a clinician");
    assert_eq!(obs[2]["performer"][0], json!({"display": "Parent or carer"}));
    assert!(obs.iter().all(|o| o["status"] == "final" && o["category"][0]["coding"][0]["code"] == "survey"));
}

#[test]
fn decisions_become_consents_with_a_policy_rule_and_the_lawful_basis() {
    let b = bundle_json(&example(child(), date(2026, 11, 22)));
    let consents = of_type(&b, "Consent");
    assert_eq!(consents.len(), 3);
    for c in &consents {
        assert_eq!(c["scope"]["coding"][0]["code"], "patient-privacy");
        assert_eq!(c["category"][0]["coding"][0]["code"], "59284-0");
        assert!(c.get("policyRule").is_some(), "ppc-1: {c}");
        assert_eq!(c["patient"]["reference"], format!("urn:uuid:{}", child()));
    }
    let permit = consents.iter().find(|c| c["id"] == Uuid::from_u128(0x5001).to_string()).unwrap();
    assert_eq!(permit["provision"]["type"], "permit");
    assert_eq!(permit["policyRule"]["coding"][0]["code"], "OPTIN");
    assert_eq!(
        permit["provision"]["actor"][0]["reference"]["display"],
        "Custody healthcare at Wetherby Young Offender Institution"
    );
    assert_eq!(permit["provision"]["purpose"][0]["display"], "Continuity of care in custody");
    let deny = consents.iter().find(|c| c["provision"]["type"] == "deny").unwrap();
    assert_eq!(deny["policyRule"]["coding"][0]["code"], "OPTOUT");
    assert_eq!(deny["provision"]["actor"][0]["reference"], json!({"display": "ETE coordinator"}));
    let without_consent = consents.iter().find(|c| c["id"] == Uuid::from_u128(0x5003).to_string()).unwrap();
    let rule = without_consent["policyRule"]["text"].as_str().unwrap();
    assert!(rule.contains("without consent") && rule.contains("section 47"), "{rule}");
    assert!(without_consent["text"]["div"].as_str().unwrap().contains("lacked capacity"));
}

#[test]
fn narrative_is_escaped_xhtml() {
    let b = bundle_json(&example(child(), date(2026, 11, 22)));
    let c = of_type(&b, "Condition").into_iter().find(|c| c["code"]["text"] == "Cannabis use support").unwrap();
    assert!(c["note"][1]["text"].as_str().unwrap().contains("<alone> & see"));
    let all = b.to_string();
    assert!(!all.contains("<alone>\\u") && !all.contains("<p>Says"), "raw text in narrative");
    for e in b["entry"].as_array().unwrap() {
        let div = e["resource"]["text"]["div"].as_str().unwrap();
        assert!(div.starts_with("<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>") && div.ends_with("</p></div>"));
        assert!(!div[46..div.len() - 10].contains('<'), "{div}");
    }
}

#[test]
fn ids_without_a_record_are_stable_per_child() {
    let a = bundle_json(&example(child(), date(2026, 11, 22)));
    let b = bundle_json(&example(child(), date(2026, 11, 22)));
    let other = bundle_json(&example(ChildId(Uuid::from_u128(0xd)), date(2026, 11, 22)));
    let id = |b: &Value, t: &str| of_type(b, t)[0]["id"].clone();
    assert_eq!(id(&a, "CareTeam"), id(&b, "CareTeam"));
    assert_eq!(id(&a, "CarePlan"), id(&b, "CarePlan"));
    assert_ne!(id(&a, "CareTeam"), id(&other, "CareTeam"));
    assert_ne!(id(&a, "CareTeam"), id(&a, "CarePlan"));
    let u: Uuid = id(&a, "CarePlan").as_str().unwrap().parse().unwrap();
    assert_eq!(u.get_version_num(), 8);
}

#[test]
fn instruments_and_raters_use_the_agreed_keys() {
    assert_eq!("sdq_total".parse::<Instrument>(), Ok(Instrument::SdqTotal));
    assert_eq!("honosca_total".parse::<Instrument>().map(Instrument::max_score), Ok(52));
    assert_eq!(Instrument::SdqTotal.max_score(), 40);
    assert_eq!("self".parse::<Rater>(), Ok(Rater::SelfReport));
    assert_eq!(serde_json::to_value(Rater::SelfReport).unwrap(), "self");
    assert_eq!("teacher".parse::<Rater>(), Ok(Rater::Teacher));
    assert!("nurse".parse::<Rater>().is_err());
    assert_eq!("deny".parse::<SharingChoice>(), Ok(SharingChoice::Deny));
}
