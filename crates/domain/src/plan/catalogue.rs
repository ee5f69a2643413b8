//! The catalogue of support needs: versioned data. A need stores the catalogue key and the
//! version it was chosen from; an entry is never deleted, only retired (from a version on), so
//! needs recorded against an older catalogue still read correctly.
//!
//! To change the catalogue: add entries with `since` set to a new [`VERSION`], retire old ones
//! by setting `retired_in`, and bump [`VERSION`].

use serde::Serialize;

use super::Pathway;

/// The current catalogue version.
pub const VERSION: u32 = 1;

/// The key for a need described in the person's own words.
pub const OTHER: &str = "other";

/// One entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct CatalogueNeed {
    /// Stable key (stored, and used in the API).
    pub key: &'static str,
    /// The pathway it belongs to.
    pub pathway: Pathway,
    /// The name practitioners read.
    pub label: &'static str,
    /// The words the child reads on "my plan".
    pub plain: &'static str,
    /// The catalogue version that added it.
    pub since: u32,
    /// The version that retired it, if any.
    pub retired_in: Option<u32>,
}

impl CatalogueNeed {
    /// Offered for new needs.
    pub fn is_current(&self) -> bool {
        self.retired_in.is_none_or(|v| v > VERSION)
    }
}

const fn need(key: &'static str, pathway: Pathway, label: &'static str, plain: &'static str) -> CatalogueNeed {
    CatalogueNeed { key, pathway, label, plain, since: 1, retired_in: None }
}

/// Every entry, grouped by pathway.
pub const CATALOGUE: &[CatalogueNeed] = &[
    need(
        "accommodation_address",
        Pathway::Accommodation,
        "Confirmed address for release",
        "A place to live that is sorted before I leave",
    ),
    need(
        "accommodation_la_assessment",
        Pathway::Accommodation,
        "Local authority accommodation assessment (looked after or care leaver)",
        "The council checks where I can live and what help I get",
    ),
    need(
        "accommodation_family_return",
        Pathway::Accommodation,
        "Return to the family home agreed and checked",
        "Going home to my family, with everyone agreed",
    ),
    need(
        "accommodation_supported",
        Pathway::Accommodation,
        "Supported accommodation or foster placement",
        "A supported place to live",
    ),
    need(
        "ete_school_place",
        Pathway::Ete,
        "School or college place for release",
        "A school or college place ready for me",
    ),
    need("ete_training", Pathway::Ete, "Training, apprenticeship or job", "Training, an apprenticeship or a job"),
    need(
        "ete_records_transfer",
        Pathway::Ete,
        "Education records and EHCP passed between custody and community",
        "My school records go where I go",
    ),
    need(
        "ete_send_assessment",
        Pathway::Ete,
        "Special educational needs assessment or EHCP review",
        "Help with how I learn",
    ),
    need(
        "activity_first_week",
        Pathway::ConstructiveActivities,
        "A constructive activity arranged for the first week",
        "Something good to do in my first week",
    ),
    need(
        "identity_mentoring",
        Pathway::ConstructiveActivities,
        "Mentoring or positive identity work",
        "A mentor to talk things through with",
    ),
    need(
        "activity_sport_arts",
        Pathway::ConstructiveActivities,
        "Sport, arts or a club in the community",
        "Sport, music, art or a club I enjoy",
    ),
    need(
        "health_gp_registration",
        Pathway::Health,
        "Registered with a GP for release",
        "A doctor (GP) near where I live",
    ),
    need(
        "health_mental_health",
        Pathway::Health,
        "Mental health support continued on release (CAMHS or equivalent)",
        "Someone to help with how I feel",
    ),
    need(
        "health_medication",
        Pathway::Health,
        "Medication continued on release",
        "My medicine carries on when I leave",
    ),
    need(
        "health_neurodisability",
        Pathway::Health,
        "Neurodisability assessment or support",
        "Help that fits how my brain works",
    ),
    need(
        "health_slc",
        Pathway::Health,
        "Speech, language and communication support",
        "Help with talking and understanding",
    ),
    need(
        "health_physical",
        Pathway::Health,
        "Physical health follow-up (dental, optician, clinic)",
        "Check-ups for my body, teeth or eyes",
    ),
    need(
        "substance_treatment",
        Pathway::SubstanceMisuse,
        "Substance misuse treatment continued in the community",
        "Help with drugs or alcohol carries on",
    ),
    need(
        "substance_harm_reduction",
        Pathway::SubstanceMisuse,
        "Harm reduction advice and support",
        "Staying safer around drugs and alcohol",
    ),
    need("family_contact", Pathway::Families, "Family contact and visits", "Seeing and talking to my family"),
    need("family_support", Pathway::Families, "Support for parents or carers", "Help for my family too"),
    need(
        "family_relationships",
        Pathway::Families,
        "Repairing or strengthening relationships",
        "Getting on better with the people close to me",
    ),
    need(
        "id_documents",
        Pathway::FinanceId,
        "Identity documents (birth certificate, provisional licence, ID)",
        "My ID and birth certificate",
    ),
    need("bank_account", Pathway::FinanceId, "Bank account", "A bank account"),
    need(
        "benefits",
        Pathway::FinanceId,
        "Benefits claim ready for release",
        "Money I am entitled to, ready when I leave",
    ),
    need(
        "safety_exploitation",
        Pathway::Safety,
        "Protection from criminal or sexual exploitation",
        "Keeping me safe from people who want to use me",
    ),
    need("safety_plan", Pathway::Safety, "Safety plan for release", "A plan for staying safe"),
    need(
        "safety_self_harm",
        Pathway::Safety,
        "Support for self-harm or suicide risk",
        "Help when I feel like hurting myself",
    ),
    need("victim_awareness", Pathway::Victims, "Victim awareness work", "Thinking about the people affected"),
    need("restorative_justice", Pathway::Victims, "Restorative justice", "Putting things right, if I and they want to"),
];

/// An entry by key (retired entries included, so old needs still read).
pub fn find(key: &str) -> Option<&'static CatalogueNeed> {
    CATALOGUE.iter().find(|c| c.key == key)
}

/// The entries offered for new needs on `pathway`.
pub fn for_pathway(pathway: Pathway) -> impl Iterator<Item = &'static CatalogueNeed> {
    CATALOGUE.iter().filter(move |c| c.pathway == pathway && c.is_current())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_never_other() {
        let mut keys: Vec<_> = CATALOGUE.iter().map(|c| c.key).collect();
        keys.sort_unstable();
        let before = keys.len();
        keys.dedup();
        assert_eq!(keys.len(), before);
        assert!(!keys.contains(&OTHER));
    }

    #[test]
    fn every_pathway_has_something_to_choose() {
        for p in Pathway::ALL {
            assert!(for_pathway(*p).count() >= 2, "{p}");
        }
        assert!(CATALOGUE.iter().all(|c| c.since <= VERSION));
    }
}
