//! The child: identity, legal status, parents and carers.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::ids::{CarerId, ChildId, OrgId};
use crate::nhs::NhsNumber;
use crate::org::string_enum;
use crate::validation::{ValidationErrors, optional_line, optional_text, required_line};

string_enum!(
    /// Gender as recorded by the youth justice service.
    Gender, "gender" {
        /// Female.
        Female => "female", "Female";
        /// Male.
        Male => "male", "Male";
        /// Another gender identity.
        Other => "other", "Other";
        /// Not known or not stated.
        NotKnown => "not_known", "Not known or not stated";
    }
);

string_enum!(
    /// The language a person prefers for what is written to them (Welsh Language Standards):
    /// "my plan", meeting invitations and letters are in it by default.
    #[derive(Default)]
    Language, "language" {
        /// English.
        #[default]
        En => "en", "English";
        /// Welsh.
        Cy => "cy", "Welsh (Cymraeg)";
    }
);

/// A preferred language as typed: blank is English.
fn language(e: &mut ValidationErrors, field: &str, value: Option<&str>) -> Language {
    match value.map(str::trim).filter(|s| !s.is_empty()) {
        None => Language::En,
        Some(s) => s.parse::<Language>().map_err(|m| e.add(field, m)).unwrap_or_default(),
    }
}

string_enum!(
    /// The child's legal status with the local authority.
    LegalStatus, "legal status" {
        /// Not looked after.
        NotLookedAfter => "not_looked_after", "Not looked after";
        /// Looked after by a local authority (including because of remand to youth detention).
        LookedAfter => "looked_after", "Looked after";
        /// A care leaver.
        CareLeaver => "care_leaver", "Care leaver";
    }
);

/// A Police National Computer identifier: year, serial number and check letter, e.g.
/// `2019/0012345A` (two- or four-digit year).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PncId(String);

impl PncId {
    /// Upper-cases and checks the shape `YY/N…NL` or `YYYY/N…NL` (1–7 digits of serial).
    pub fn parse(input: &str) -> Result<Self, String> {
        let s = input.trim().to_ascii_uppercase();
        let ok = s.split_once('/').is_some_and(|(year, rest)| {
            let serial = rest.get(..rest.len().saturating_sub(1)).unwrap_or("");
            (year.len() == 2 || year.len() == 4)
                && year.bytes().all(|b| b.is_ascii_digit())
                && (1..=7).contains(&serial.len())
                && serial.bytes().all(|b| b.is_ascii_digit())
                && rest.bytes().last().is_some_and(|b| b.is_ascii_uppercase())
        });
        if ok {
            Ok(Self(s))
        } else {
            Err("PNC ID must look like 2019/0012345A: year, a slash, the number and a check letter".into())
        }
    }

    /// The identifier.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for PncId {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<PncId> for String {
    fn from(p: PncId) -> Self {
        p.0
    }
}

/// A child's identifying details: what a person enters on the add and edit forms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildDetails {
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// The name the child prefers to be called, when different.
    pub preferred_name: Option<String>,
    /// Date of birth.
    pub date_of_birth: Date,
    /// NHS number, validated.
    pub nhs_number: Option<NhsNumber>,
    /// Police National Computer identifier.
    pub pnc_id: Option<PncId>,
    /// Gender.
    pub gender: Option<Gender>,
    /// Ethnicity, as the child describes it.
    pub ethnicity: Option<String>,
    /// First language.
    pub first_language: Option<String>,
    /// The language, English or Welsh, the child prefers for what is written to them.
    #[serde(default)]
    pub preferred_language: Language,
    /// Looked-after status.
    pub legal_status: LegalStatus,
}

/// Unvalidated input for [`ChildDetails`], as typed: every field a string.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildDetailsInput {
    /// Given name.
    pub given_name: Option<String>,
    /// Family name.
    pub family_name: Option<String>,
    /// Preferred name.
    pub preferred_name: Option<String>,
    /// Date of birth, `YYYY-MM-DD`.
    pub date_of_birth: Option<String>,
    /// NHS number.
    pub nhs_number: Option<String>,
    /// PNC ID.
    pub pnc_id: Option<String>,
    /// Gender key.
    pub gender: Option<String>,
    /// Ethnicity.
    pub ethnicity: Option<String>,
    /// First language.
    pub first_language: Option<String>,
    /// `en` or `cy` (blank: English).
    #[serde(default)]
    pub preferred_language: Option<String>,
    /// Legal status key.
    pub legal_status: Option<String>,
}

/// The youngest age at which a child can be in custody (the age of criminal responsibility in
/// England and Wales).
pub const MIN_AGE: i16 = 10;

/// The oldest a person may be when their record is created: old enough to bring the history
/// of a custody that began at 17 and its follow-up, with room for a late transfer of records.
pub const MAX_AGE_OF_NEW_RECORD: i16 = 25;

/// Whether someone born on `dob` was a child who can be sentenced to or remanded in youth
/// detention on `day`: 10 to 17.
pub fn child_on(dob: Date, day: Date) -> bool {
    (MIN_AGE..18).contains(&age_on(dob, day))
}

impl ChildDetailsInput {
    /// Parses and checks every field, reporting all problems at once. `today` bounds the date
    /// of birth; `is_new` adds the rule that a new record must be for someone under 18.
    pub fn validate(&self, today: Date, is_new: bool) -> Result<ChildDetails, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let given_name = required_line(&mut e, "given_name", "Given name", self.given_name.as_deref(), 100);
        let family_name = required_line(&mut e, "family_name", "Family name", self.family_name.as_deref(), 100);
        let preferred_name =
            optional_line(&mut e, "preferred_name", "Preferred name", self.preferred_name.as_deref(), 100);
        let date_of_birth = match self.date_of_birth.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => {
                e.add("date_of_birth", "Enter the date of birth");
                None
            }
            Some(s) => match crate::validation::parse_day(s) {
                Err(why) => {
                    e.add("date_of_birth", why.message("Date of birth", "2010-04-27"));
                    None
                }
                Ok(d) => check_date_of_birth(&mut e, d, today, is_new),
            },
        };
        let nhs_number = match self.nhs_number.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => NhsNumber::parse(s).map_err(|err| e.add("nhs_number", err.to_string())).ok(),
        };
        let pnc_id = match self.pnc_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => PncId::parse(s).map_err(|m| e.add("pnc_id", m)).ok(),
        };
        let gender = match self.gender.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => s.parse::<Gender>().map_err(|m| e.add("gender", m)).ok(),
        };
        let ethnicity = optional_line(&mut e, "ethnicity", "Ethnicity", self.ethnicity.as_deref(), 100);
        let first_language =
            optional_line(&mut e, "first_language", "First language", self.first_language.as_deref(), 100);
        let preferred_language = language(&mut e, "preferred_language", self.preferred_language.as_deref());
        let legal_status = match self.legal_status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Some(LegalStatus::NotLookedAfter),
            Some(s) => s.parse::<LegalStatus>().map_err(|m| e.add("legal_status", m)).ok(),
        };
        match (date_of_birth, legal_status) {
            (Some(date_of_birth), Some(legal_status)) if e.is_empty() => Ok(ChildDetails {
                given_name,
                family_name,
                preferred_name,
                date_of_birth,
                nhs_number,
                pnc_id,
                gender,
                ethnicity,
                first_language,
                preferred_language,
                legal_status,
            }),
            _ => Err(e),
        }
    }
}

fn check_date_of_birth(e: &mut ValidationErrors, dob: Date, today: Date, is_new: bool) -> Option<Date> {
    if dob > today {
        e.add("date_of_birth", "Date of birth must be in the past");
        return None;
    }
    let age = age_on(dob, today);
    if age < MIN_AGE {
        e.add("date_of_birth", "The child must be 10 or older (the age of criminal responsibility)");
        return None;
    }
    // A record may be created for someone now an adult, to bring the history of their time in
    // custody as a child (each sentence and remand must start while they were 10 to 17); an
    // existing record is never refused for age.
    if is_new && age > MAX_AGE_OF_NEW_RECORD {
        e.add(
            "date_of_birth",
            format!(
                "Date of birth is too far in the past for a new record (over {MAX_AGE_OF_NEW_RECORD}): check the year"
            ),
        );
        return None;
    }
    Some(dob)
}

/// Age in whole years on `day` (a birthday on 29 February counts from 28 February in other
/// years, since jiff clamps).
pub fn age_on(dob: Date, day: Date) -> i16 {
    let mut age = day.year() - dob.year();
    if (day.month(), day.day()) < (dob.month(), dob.day()) {
        age -= 1;
    }
    age
}

/// A child as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Child {
    /// Identifier.
    pub id: ChildId,
    /// The responsible youth justice service, which owns the case.
    pub yjs_id: OrgId,
    /// Identifying details.
    #[serde(flatten)]
    pub details: ChildDetails,
    /// Increases by one on every change; an update made against an old version is refused.
    pub version: i64,
    /// When the record was created.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

impl Child {
    /// The name to address the child by.
    pub fn display_name(&self) -> String {
        let d = &self.details;
        match &d.preferred_name {
            Some(p) if p != &d.given_name => format!("{} ({}) {}", d.given_name, p, d.family_name),
            _ => format!("{} {}", d.given_name, d.family_name),
        }
    }

    /// Names of the fields that differ between two versions of the details, for the timeline.
    pub fn changed_fields(before: &ChildDetails, after: &ChildDetails) -> Vec<&'static str> {
        let mut c = Vec::new();
        if before.given_name != after.given_name {
            c.push("given name");
        }
        if before.family_name != after.family_name {
            c.push("family name");
        }
        if before.preferred_name != after.preferred_name {
            c.push("preferred name");
        }
        if before.date_of_birth != after.date_of_birth {
            c.push("date of birth");
        }
        if before.nhs_number != after.nhs_number {
            c.push("NHS number");
        }
        if before.pnc_id != after.pnc_id {
            c.push("PNC ID");
        }
        if before.gender != after.gender {
            c.push("gender");
        }
        if before.ethnicity != after.ethnicity {
            c.push("ethnicity");
        }
        if before.first_language != after.first_language {
            c.push("first language");
        }
        if before.preferred_language != after.preferred_language {
            c.push("preferred language");
        }
        if before.legal_status != after.legal_status {
            c.push("legal status");
        }
        c
    }
}

/// A parent or carer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Carer {
    /// Identifier.
    pub id: CarerId,
    /// Whose carer.
    pub child_id: ChildId,
    /// Full name.
    pub name: String,
    /// Relationship to the child, e.g. "Mother", "Foster carer".
    pub relationship: String,
    /// Telephone.
    pub phone: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// Postal address.
    pub address: Option<String>,
    /// Whether they hold parental responsibility.
    pub parental_responsibility: bool,
    /// The language, English or Welsh, they prefer for what is written to them.
    #[serde(default)]
    pub preferred_language: Language,
}

/// Unvalidated input for a [`Carer`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarerInput {
    /// Full name.
    pub name: Option<String>,
    /// Relationship.
    pub relationship: Option<String>,
    /// Telephone.
    pub phone: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// Address.
    pub address: Option<String>,
    /// Parental responsibility.
    pub parental_responsibility: Option<bool>,
    /// `en` or `cy` (blank: English).
    #[serde(default)]
    pub preferred_language: Option<String>,
}

impl CarerInput {
    /// Whether anything was entered (an untouched optional carer section is not an error).
    pub fn is_given(&self) -> bool {
        [&self.name, &self.relationship, &self.phone, &self.email, &self.address]
            .iter()
            .any(|f| f.as_deref().is_some_and(|v| !v.trim().is_empty()))
    }

    /// Checks the fields; `prefix` names them in errors (e.g. `carer_` on the add-child form).
    pub fn validate(&self, id: CarerId, child_id: ChildId, prefix: &str) -> Result<Carer, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let f = |n: &str| format!("{prefix}{n}");
        let name = required_line(&mut e, &f("name"), "Carer's name", self.name.as_deref(), 200);
        let relationship =
            required_line(&mut e, &f("relationship"), "Relationship to the child", self.relationship.as_deref(), 100);
        let phone = optional_line(&mut e, &f("phone"), "Telephone", self.phone.as_deref(), 40);
        if let Some(p) = &phone
            && !p.chars().all(|c| c.is_ascii_digit() || " +()-".contains(c))
        {
            e.add(f("phone"), "Telephone must contain only digits, spaces and + ( ) -");
        }
        let email = match optional_line(&mut e, &f("email"), "Email", self.email.as_deref(), 254) {
            Some(s) => crate::org::Email::parse(&s).map_err(|m| e.add(f("email"), m)).ok().map(|e| e.to_string()),
            None => None,
        };
        let address = optional_text(&mut e, &f("address"), "Address", self.address.as_deref(), 500);
        let preferred_language = language(&mut e, &f("preferred_language"), self.preferred_language.as_deref());
        e.into_result(Carer {
            id,
            child_id,
            name,
            relationship,
            phone,
            email,
            address,
            parental_responsibility: self.parental_responsibility.unwrap_or(false),
            preferred_language,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn input() -> ChildDetailsInput {
        ChildDetailsInput {
            given_name: Some(" Ada ".into()),
            family_name: Some("Test".into()),
            date_of_birth: Some("2010-04-02".into()),
            nhs_number: Some("943 476 5919".into()),
            ..Default::default()
        }
    }

    #[test]
    fn valid_input_is_trimmed_and_normalised() {
        let d = input().validate(date(2026, 11, 22), true).unwrap();
        assert_eq!(d.given_name, "Ada");
        assert_eq!(d.nhs_number.unwrap().as_str(), "9434765919");
        assert_eq!(d.legal_status, LegalStatus::NotLookedAfter);
    }

    #[test]
    fn every_problem_is_reported_with_its_field() {
        let bad = ChildDetailsInput {
            given_name: Some(" ".into()),
            date_of_birth: Some("2010-02-30".into()),
            nhs_number: Some("1234".into()),
            pnc_id: Some("nope".into()),
            gender: Some("robot".into()),
            ..Default::default()
        };
        let e = bad.validate(date(2026, 11, 22), true).unwrap_err();
        for f in ["given_name", "family_name", "date_of_birth", "nhs_number", "pnc_id", "gender"] {
            assert!(e.for_field(f).is_some(), "no error for {f}: {e:?}");
        }
    }

    #[test]
    fn ages_outside_the_youth_range_are_refused() {
        let today = date(2026, 11, 22);
        let mut i = input();
        i.date_of_birth = Some("2017-01-01".into());
        assert!(i.validate(today, true).unwrap_err().for_field("date_of_birth").unwrap().contains("10"));
        i.date_of_birth = Some("2008-11-22".into());
        assert!(i.validate(today, true).is_ok(), "a record may be made for someone now 18, to bring their history");
        assert!(i.validate(today, false).is_ok(), "an existing record may pass 18");
        i.date_of_birth = Some("2000-11-21".into());
        assert!(i.validate(today, true).is_err(), "26 is too old for a new record");
        assert!(i.validate(today, false).is_ok(), "an existing record is never refused for age");
        assert!(child_on(date(2008, 11, 22), date(2026, 11, 21)));
        assert!(!child_on(date(2008, 11, 22), date(2026, 11, 22)), "18 on the day");
        assert!(!child_on(date(2017, 1, 1), date(2026, 12, 31)), "9 on the day");
        i.date_of_birth = Some("2027-01-01".into());
        assert!(i.validate(today, false).is_err());
    }

    #[test]
    fn age_counts_whole_years() {
        assert_eq!(age_on(date(2010, 4, 2), date(2026, 4, 1)), 15);
        assert_eq!(age_on(date(2010, 4, 2), date(2026, 4, 2)), 16);
    }

    #[test]
    fn pnc_ids_are_shaped() {
        assert_eq!(PncId::parse("2019/0012345a").unwrap().as_str(), "2019/0012345A");
        assert!(PncId::parse("19/1A").is_ok());
        for bad in ["2019/A", "2019-0012345A", "201/123A", "2019/12345678A", "2019/1234567"] {
            assert!(PncId::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn carers_need_a_name_and_relationship() {
        let c = CarerInput { name: Some("Sam".into()), phone: Some("abc".into()), ..Default::default() };
        let e = c.validate(CarerId::random(), ChildId::random(), "carer_").unwrap_err();
        assert!(e.for_field("carer_relationship").is_some());
        assert!(e.for_field("carer_phone").is_some());
    }
}
