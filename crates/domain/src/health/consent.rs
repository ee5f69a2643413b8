//! Consent and capacity: who may decide about sharing a child's health information, what was
//! decided and on what basis (the child's own decision from a capacity assessment, or someone
//! with parental responsibility).

use super::*;

string_enum!(
    /// A consent or sharing decision.
    ConsentDecision, "decision" {
        /// The child (or, lacking capacity, someone with parental responsibility) agreed.
        ConsentGiven => "consent_given", "Consent given";
        /// Consent refused: nothing is shared on this basis.
        ConsentRefused => "consent_refused", "Consent refused";
        /// Shared without consent, on a lawful basis (safeguarding).
        ShareWithoutConsent => "share_without_consent", "Shared without consent";
    }
);

impl ConsentDecision {
    /// Whether the decision lets the named recipient read health content.
    pub fn allows_sharing(self) -> bool {
        matches!(self, ConsentDecision::ConsentGiven | ConsentDecision::ShareWithoutConsent)
    }
}

string_enum!(
    /// The child's capacity to decide.
    Capacity, "capacity" {
        /// Aged 16 or 17: presumed to have capacity (Mental Capacity Act 2005).
        Presumed => "presumed", "Presumed (aged 16 or over)";
        /// Under 16, assessed as competent to decide (Gillick).
        Assessed => "assessed_competent", "Assessed as competent";
        /// Assessed as not able to decide: someone with parental responsibility decided.
        LacksCapacity => "lacks_capacity", "Assessed as not able to decide";
    }
);

string_enum!(
    /// The lawful basis for sharing health information without consent.
    LawfulBasis, "lawful basis" {
        /// Safeguarding.
        Safeguarding => "safeguarding",
            "UK GDPR art. 9(2)(g) with DPA 2018 Sch. 1 para 18 (safeguarding of children and of individuals at risk)";
        /// Vital interests.
        VitalInterests => "vital_interests", "UK GDPR art. 9(2)(c) (vital interests)";
        /// Health or social care.
        HealthCare => "health_care", "UK GDPR art. 9(2)(h) with DPA 2018 Sch. 1 para 2 (health or social care purposes)";
    }
);

/// A recorded consent, capacity and sharing decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    /// Identifier.
    pub id: ConsentId,
    /// The child.
    pub child_id: ChildId,
    /// The decision.
    pub decision: ConsentDecision,
    /// The child's capacity.
    pub capacity: Capacity,
    /// Who decided when the child could not ("mother, parental responsibility").
    pub decided_by: Option<String>,
    /// With which organisation.
    pub share_with_organisation_id: OrgId,
    /// With which role in it; every role when absent.
    pub share_with_role: Option<Role>,
    /// What may be shared, and for what.
    pub purpose: String,
    /// The lawful basis, when shared without consent.
    pub lawful_basis: Option<LawfulBasis>,
    /// The day decided.
    pub decided_on: Date,
    /// Who recorded it.
    pub recorded_by_name: String,
    /// When.
    pub recorded_at: Timestamp,
}

/// A consent decision as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentInput {
    /// Decision key.
    pub decision: Option<String>,
    /// For a child under 16: `assessed_competent` or `lacks_capacity`.
    pub capacity: Option<String>,
    /// Who decided for a child who could not.
    pub decided_by: Option<String>,
    /// Organisation id.
    pub share_with_organisation_id: Option<String>,
    /// Role key, optional.
    pub share_with_role: Option<String>,
    /// What may be shared, and for what.
    pub purpose: Option<String>,
    /// Lawful basis key (required to share without consent).
    pub lawful_basis: Option<String>,
    /// `YYYY-MM-DD`; today when absent.
    pub decided_on: Option<String>,
}

/// A validated consent decision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedConsent {
    /// Decision.
    pub decision: ConsentDecision,
    /// Capacity.
    pub capacity: Capacity,
    /// Who decided for the child.
    pub decided_by: Option<String>,
    /// Organisation.
    pub share_with_organisation_id: OrgId,
    /// Role.
    pub share_with_role: Option<Role>,
    /// Purpose.
    pub purpose: String,
    /// Lawful basis.
    pub lawful_basis: Option<LawfulBasis>,
    /// Day.
    pub decided_on: Date,
}

/// The child's age in whole years on `day`.
pub fn age_on(date_of_birth: Date, day: Date) -> i16 {
    let mut age = day.year() - date_of_birth.year();
    if (day.month(), day.day()) < (date_of_birth.month(), date_of_birth.day()) {
        age -= 1;
    }
    age
}

/// The capacity rule: 16 and over are presumed to have capacity (an assessment may still find
/// they lack it); under 16, capacity must have been assessed and its outcome recorded.
pub fn capacity_for(age: i16, assessed: Option<Capacity>) -> Result<Capacity, &'static str> {
    match (age >= 16, assessed) {
        (true, None | Some(Capacity::Presumed)) => Ok(Capacity::Presumed),
        (true, Some(Capacity::LacksCapacity)) => Ok(Capacity::LacksCapacity),
        (true, Some(Capacity::Assessed)) => Ok(Capacity::Presumed),
        (false, Some(Capacity::Presumed)) => {
            Err("A child under 16 is not presumed to have capacity: record the outcome of the capacity assessment")
        }
        (false, None) => Err("The child is under 16: record the outcome of the capacity assessment"),
        (false, Some(c)) => Ok(c),
    }
}

impl ConsentInput {
    /// Checks every field against the child's age on the day of the decision.
    pub fn validate(&self, date_of_birth: Date, today: Date) -> Result<CheckedConsent, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let decision = parse_key::<ConsentDecision>(&mut e, "decision", self.decision.as_deref());
        if decision.is_none() && e.for_field("decision").is_none() {
            e.add("decision", "Choose the decision: consent given, consent refused or shared without consent");
        }
        let decided_on = crate::team::parse_date(&mut e, "decided_on", "Date decided", self.decided_on.as_deref())
            .or(if self.decided_on.is_none() { Some(today) } else { None });
        if decided_on.is_some_and(|d| d > today) {
            e.add("decided_on", "The date decided must be today or in the past");
        }
        let assessed = parse_key::<Capacity>(&mut e, "capacity", self.capacity.as_deref());
        let capacity = decided_on
            .and_then(|d| capacity_for(age_on(date_of_birth, d), assessed).map_err(|m| e.add("capacity", m)).ok());
        let decided_by = optional_text(&mut e, "decided_by", "Who decided", self.decided_by.as_deref(), 200);
        if capacity == Some(Capacity::LacksCapacity)
            && decided_by.is_none()
            && decision != Some(ConsentDecision::ShareWithoutConsent)
        {
            e.add("decided_by", "The child could not decide: say who did (someone with parental responsibility)");
        }
        let org = match self.share_with_organisation_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => {
                e.add("share_with_organisation_id", "Choose who the information may be shared with");
                None
            }
            Some(s) => s
                .parse::<OrgId>()
                .map_err(|_| e.add("share_with_organisation_id", "Choose an organisation from the list"))
                .ok(),
        };
        let role = parse_key::<Role>(&mut e, "share_with_role", self.share_with_role.as_deref());
        let purpose = req(&mut e, "purpose", "What may be shared, and why", self.purpose.as_deref(), 500);
        let lawful_basis = parse_key::<LawfulBasis>(&mut e, "lawful_basis", self.lawful_basis.as_deref());
        if decision == Some(ConsentDecision::ShareWithoutConsent)
            && lawful_basis.is_none()
            && e.for_field("lawful_basis").is_none()
        {
            e.add("lawful_basis", "Sharing without consent needs a lawful basis, such as safeguarding");
        }
        match (decision, capacity, org, purpose, decided_on) {
            (Some(decision), Some(capacity), Some(org), Some(purpose), Some(decided_on)) if e.is_empty() => {
                Ok(CheckedConsent {
                    decision,
                    capacity,
                    decided_by,
                    share_with_organisation_id: org,
                    share_with_role: role,
                    purpose,
                    lawful_basis: if decision == ConsentDecision::ShareWithoutConsent { lawful_basis } else { None },
                    decided_on,
                })
            }
            _ => Err(e),
        }
    }
}
