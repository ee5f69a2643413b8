//! What the OpenAPI document says of each field a client sends: the lists a value must come
//! from (`enum`, from the domain's own lists, so the description and the checks cannot drift
//! apart) and the formats of days (`date`: `YYYY-MM-DD`), instants (`date-time`: RFC 3339)
//! and identifiers (`uuid`). The wire types keep plain `String`s so that a wrong value gets a
//! 422 naming the field, not a body that cannot be read; this pass describes them.

use resettle_domain::{
    action_item, child, community, health, meeting, org, plan, post_release, sentence, temporary_release,
};
use utoipa::openapi::schema::{KnownFormat, Schema, SchemaFormat, SchemaType, Type};
use utoipa::openapi::{OpenApi, RefOr};

/// The keys a field takes, by request schema and property.
fn enum_keys(schema: &str, property: &str) -> Option<Vec<&'static str>> {
    fn keys<E: Copy>(all: &[E], key: fn(E) -> &'static str) -> Option<Vec<&'static str>> {
        Some(all.iter().map(|e| key(*e)).collect())
    }
    match (schema, property) {
        ("AddTeamMember", "role") | ("NewConsent", "share_with_role") => keys(org::Role::ALL, org::Role::as_str),
        ("CreateChild" | "PatchChild", "gender") => keys(child::Gender::ALL, child::Gender::as_str),
        ("CreateChild" | "PatchChild", "legal_status") => keys(child::LegalStatus::ALL, child::LegalStatus::as_str),
        ("CreateChild" | "PatchChild", "preferred_language") => keys(child::Language::ALL, child::Language::as_str),
        ("NewAppointment" | "NewAppointmentSeries", "kind") => {
            keys(community::AppointmentKind::ALL, community::AppointmentKind::as_str)
        }
        ("PatchAppointment", "outcome") => {
            keys(community::AppointmentOutcome::ALL, community::AppointmentOutcome::as_str)
        }
        ("NewEnforcement", "kind") => keys(community::EnforcementKind::ALL, community::EnforcementKind::as_str),
        ("NewEnforcement", "outcome") => keys(community::BreachOutcome::ALL, community::BreachOutcome::as_str),
        ("NewEtePlacement", "kind") => keys(community::EteKind::ALL, community::EteKind::as_str),
        ("NewLivingArrangement", "kind") => keys(community::LivingKind::ALL, community::LivingKind::as_str),
        ("NewOffence" | "PatchOffence", "category") => {
            keys(community::OffenceCategory::ALL, community::OffenceCategory::as_str)
        }
        ("NewOffence" | "PatchOffence", "outcome") => {
            keys(community::OffenceOutcome::ALL, community::OffenceOutcome::as_str)
        }
        ("NewAssessment", "kind") => keys(health::AssessmentKind::ALL, health::AssessmentKind::as_str),
        ("NewHealthRecord", "category") => keys(health::HealthCategory::ALL, health::HealthCategory::as_str),
        ("NewConsent", "decision") => keys(health::ConsentDecision::ALL, health::ConsentDecision::as_str),
        ("NewConsent", "capacity") => keys(health::Capacity::ALL, health::Capacity::as_str),
        ("NewConsent", "lawful_basis") => keys(health::LawfulBasis::ALL, health::LawfulBasis::as_str),
        ("NewMeasure", "measure") => keys(health::MeasureKind::ALL, health::MeasureKind::as_str),
        ("NewMeasure", "rater") => keys(health::Rater::ALL, health::Rater::as_str),
        ("NewMeeting", "kind") => keys(meeting::MeetingKind::ALL, meeting::MeetingKind::as_str),
        ("PatchMeeting", "status") => keys(meeting::MeetingStatus::ALL, meeting::MeetingStatus::as_str),
        ("NewNeed", "pathway") => keys(plan::Pathway::ALL, plan::Pathway::as_str),
        ("PatchNeed", "status") => keys(plan::NeedStatus::ALL, plan::NeedStatus::as_str),
        ("PatchAction", "status") => keys(action_item::ActionStatus::ALL, action_item::ActionStatus::as_str),
        ("RecordRelease", "kind") => Some(post_release::ReleaseKind::ALL.iter().map(|k| k.as_str()).collect()),
        ("RecordSentence", "kind") => keys(sentence::SentenceKind::ALL, sentence::SentenceKind::as_str),
        ("NewTemporaryRelease", "purpose") => {
            keys(temporary_release::TemporaryReleasePurpose::ALL, temporary_release::TemporaryReleasePurpose::as_str)
        }
        ("NewTemporaryRelease" | "TemporaryReleaseOutcomeJson", "outcome") => {
            keys(temporary_release::TemporaryReleaseOutcome::ALL, temporary_release::TemporaryReleaseOutcome::as_str)
        }
        ("RecordSentence", "key_dates_source") => keys(sentence::KeyDatesSource::ALL, sentence::KeyDatesSource::as_str),
        _ => None,
    }
}

/// The format of a property, by its name.
fn format_of(property: &str) -> Option<KnownFormat> {
    let day = matches!(
        property,
        "date"
            | "on"
            | "from"
            | "until"
            | "date_of_birth"
            | "sentence_date"
            | "start_date"
            | "next_court_date"
            | "release_date"
            | "sled"
            | "due_by"
            | "brought_forward_to"
            | "released_from"
            | "released_to"
    ) || property.ends_with("_on");
    if day {
        return Some(KnownFormat::Date);
    }
    if matches!(property, "starts_at" | "scheduled_for" | "rescheduled_to") {
        return Some(KnownFormat::DateTime);
    }
    if property == "id" || property.ends_with("_id") {
        return Some(KnownFormat::Uuid);
    }
    None
}

/// The longest text each field takes, in characters, as the service checks it (what is sent
/// counts, spaces around it too): `(schema, property, maxLength)`.
const LENGTHS: &[(&str, &str, usize)] = {
    use resettle_app::access::REASON_MAX_CHARS;
    use resettle_app::children::REASON_MAX;
    use resettle_domain::plan::MAX_TEXT as PLAN_TEXT;
    use resettle_domain::readiness::MAX_TEXT as ARRANGEMENT;
    &[
        ("CreateChild", "given_name", 100),
        ("CreateChild", "family_name", 100),
        ("CreateChild", "preferred_name", 100),
        ("CreateChild", "ethnicity", 100),
        ("CreateChild", "first_language", 100),
        ("PatchChild", "given_name", 100),
        ("PatchChild", "family_name", 100),
        ("PatchChild", "preferred_name", 100),
        ("PatchChild", "ethnicity", 100),
        ("PatchChild", "first_language", 100),
        ("PatchChild", "reason", REASON_MAX),
        ("AddTeamMember", "responsibility", 500),
        ("NewTemporaryRelease", "address", 300),
        ("NewTemporaryRelease", "conditions", 2000),
        ("NewTemporaryRelease", "outcome_note", 2000),
        ("TemporaryReleaseOutcomeJson", "outcome_note", 2000),
        ("BreakGlassRequest", "reason", REASON_MAX_CHARS),
        ("BankHolidayJson", "name", 100),
        ("NewHealthRecord", "summary", 300),
        ("NewHealthRecord", "detail", 4000),
        ("NewHealthRecord", "source", 200),
        ("NewConsent", "decided_by", 200),
        ("NewConsent", "purpose", 500),
        ("Acknowledge", "note", 1000),
        ("SectionBody", "findings", 4000),
        ("SectionBody", "close_reason", 500),
        ("NeedBody", "description", 500),
        ("NeedBody", "close_reason", 500),
        ("RecordSentence", "court", 200),
        ("RecordSentence", "key_dates_source", 300),
        ("RecordRemand", "court", 200),
        ("RecordTransfer", "reason", 300),
        ("Recalculate", "reason", 500),
        ("PutDischarge", "reason", 1000),
        ("NewAppointment", "location", 200),
        ("NewAppointment", "with", 200),
        ("NewAppointmentSeries", "location", 200),
        ("NewAppointmentSeries", "with", 200),
        ("PatchAppointment", "outcome_reason", 1000),
        ("NewProbationTransfer", "probation_delivery_unit", 200),
        ("NewProbationTransfer", "shared", 4000),
        ("NewEnforcement", "reason", 2000),
        ("NewLivingArrangement", "reason", 1000),
        ("NewLivingArrangement", "address", 500),
        ("NewNeed", "description", 500),
        ("PatchNeed", "description", 500),
        ("PatchNeed", "note", PLAN_TEXT),
        ("NewAction", "description", 1000),
        ("PatchAction", "description", 1000),
        ("NewMeeting", "location", 200),
        ("PatchMeeting", "child_views", PLAN_TEXT),
        ("PatchMeeting", "carer_views", PLAN_TEXT),
        ("PatchMeeting", "decisions", PLAN_TEXT),
        ("AttendanceJson", "name", 200),
        ("AttendanceJson", "capacity", 200),
        ("PatchPlan", "child_goals", PLAN_TEXT),
        ("PatchPlan", "child_words", PLAN_TEXT),
        ("PatchPlan", "carer_views", PLAN_TEXT),
        ("PatchReleaseArrangements", "accommodation_address", ARRANGEMENT),
        ("PatchReleaseArrangements", "accommodation_confirmed_by", ARRANGEMENT),
        ("PatchReleaseArrangements", "ete_arrangement", ARRANGEMENT),
        ("PatchReleaseArrangements", "constructive_activity", ARRANGEMENT),
        ("PatchReleaseArrangements", "gp_practice", ARRANGEMENT),
        ("PatchReleaseArrangements", "first_appointment_time", ARRANGEMENT),
        ("PatchReleaseArrangements", "first_appointment_place", ARRANGEMENT),
        ("PatchReleaseArrangements", "first_appointment_with", ARRANGEMENT),
        ("PatchReleaseArrangements", "gate_met_by", ARRANGEMENT),
        ("PatchReleaseArrangements", "transport", ARRANGEMENT),
        ("PatchReleaseArrangements", "court_plan", ARRANGEMENT),
        ("PatchReleaseArrangements", "bail_accommodation", ARRANGEMENT),
    ]
};

/// Whether a schema is a string (or a string or null).
fn is_string(t: &SchemaType) -> (bool, bool) {
    match t {
        SchemaType::Type(Type::String) => (true, false),
        SchemaType::Array(types) => (types.contains(&Type::String), types.contains(&Type::Null)),
        _ => (false, false),
    }
}

/// Describes every property of the request bodies (see the module's notes), and the days among
/// the query parameters.
pub(crate) fn describe_fields(openapi: &mut OpenApi) {
    let mut requests: Vec<String> = Vec::new();
    for item in openapi.paths.paths.values_mut() {
        let ops = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
        for op in ops.into_iter().flatten() {
            if let Some(RefOr::T(body)) = &op.request_body {
                for content in body.content.values() {
                    if let RefOr::T(content) = content
                        && let Some(RefOr::Ref(r)) = &content.schema
                        && let Some(name) = r.ref_location.rsplit('/').next()
                    {
                        requests.push(name.to_string());
                    }
                }
            }
            for p in op.parameters.iter_mut().flatten() {
                let RefOr::T(p) = p else { continue };
                if let Some(RefOr::T(Schema::Object(o))) = &mut p.schema
                    && is_string(&o.schema_type).0
                    && let Some(KnownFormat::Date) = format_of(&p.name)
                {
                    // Days only: an empty identifier in a query is a filter left at "all", as
                    // the pages' forms send it, so those are not declared as UUIDs.
                    o.format = Some(SchemaFormat::KnownFormat(KnownFormat::Date));
                }
            }
        }
    }
    let Some(components) = openapi.components.as_mut() else { return };
    for name in requests {
        let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(&name) else { continue };
        for (property, schema) in object.properties.iter_mut() {
            let RefOr::T(Schema::Object(o)) = schema else { continue };
            let (string, nullable) = is_string(&o.schema_type);
            if !string {
                continue;
            }
            if let Some(keys) = enum_keys(&name, property) {
                let mut values: Vec<serde_json::Value> = keys.into_iter().map(serde_json::Value::from).collect();
                if nullable {
                    values.push(serde_json::Value::Null);
                }
                o.enum_values = Some(values);
            } else if let Some(f) = format_of(property) {
                o.format = Some(SchemaFormat::KnownFormat(f));
            }
        }
    }
    for (name, property, max) in LENGTHS {
        if let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(*name)
            && let Some(RefOr::T(Schema::Object(o))) = object.properties.get_mut(*property)
        {
            o.max_length = Some(*max);
            if (*name, *property) == ("BreakGlassRequest", "reason") {
                o.min_length = Some(resettle_app::access::REASON_MIN_CHARS);
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn names_say_the_format() {
        assert!(matches!(format_of("accommodation_confirmed_on"), Some(KnownFormat::Date)));
        assert!(matches!(format_of("starts_at"), Some(KnownFormat::DateTime)));
        assert!(matches!(format_of("owner_organisation_id"), Some(KnownFormat::Uuid)));
        assert!(format_of("reason").is_none());
    }

    #[test]
    fn every_length_names_a_text_field_of_the_description() {
        let (_, mut spec) = super::super::parts();
        describe_fields(&mut spec);
        let json = serde_json::to_value(&spec).unwrap();
        let schemas = &json["components"]["schemas"];
        for (name, property, max) in LENGTHS {
            let field = &schemas[*name]["properties"][*property];
            assert_eq!(field["maxLength"], *max, "{name}.{property}: {field}");
        }
        assert_eq!(schemas["BreakGlassRequest"]["properties"]["reason"]["minLength"], 10);
    }

    #[test]
    fn every_request_field_with_a_list_is_described_and_the_lists_are_the_domains() {
        let (_, mut spec) = super::super::parts();
        describe_fields(&mut spec);
        let json = serde_json::to_value(&spec).unwrap();
        let schemas = &json["components"]["schemas"];
        assert_eq!(schemas["RecordSentence"]["properties"]["kind"]["enum"][0], "dto");
        let gender = schemas["CreateChild"]["properties"]["gender"]["enum"].as_array().unwrap();
        assert!(gender.contains(&serde_json::Value::Null), "an optional list takes null too");
        assert_eq!(schemas["CreateChild"]["properties"]["date_of_birth"]["format"], "date");
        assert_eq!(schemas["NewAppointment"]["properties"]["starts_at"]["format"], "date-time");
        assert_eq!(schemas["NewAction"]["properties"]["owner_organisation_id"]["format"], "uuid");
        // Every request property named like a list is described as one.
        let mut requests = Vec::new();
        for item in json["paths"].as_object().unwrap().values() {
            for op in item.as_object().unwrap().values() {
                if let Some(r) = op["requestBody"]["content"]["application/json"]["schema"]["$ref"].as_str() {
                    requests.push(r.rsplit('/').next().unwrap().to_string());
                }
            }
        }
        assert!(requests.len() > 30, "{requests:?}");
        for name in requests {
            for (p, s) in schemas[name.as_str()]["properties"].as_object().unwrap() {
                let listy = matches!(p.as_str(), "kind" | "status" | "category" | "role" | "outcome" | "pathway");
                if listy {
                    assert!(s.get("enum").is_some(), "{name}.{p} has no list");
                }
            }
        }
    }
}
