//! Organisations, people and their roles.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ids::{MembershipId, OrgId, UserId};
use crate::validation::ValidationErrors;

/// Declares a string-backed enum with its stored/API spelling, a label for people and parsing.
macro_rules! string_enum {
    ($(#[$doc:meta])* $name:ident, $what:literal { $($(#[$vdoc:meta])* $variant:ident => $key:literal, $label:literal;)+ }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vdoc])* $variant,)+ }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The stored and API spelling (snake_case).
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $key,)+ }
            }

            /// The name people read.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label,)+ }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($key => Ok($name::$variant),)+
                    // A form sends an empty value when nothing was chosen, and only a changed
                    // form sends an unknown one: either way the person is told in words (the
                    // keys are for programs, which read them from the API description and the
                    // command line's own help).
                    "" => Err(format!("Choose the {}", $what)),
                    _ => Err(format!("Choose the {} from the list", $what)),
                }
            }
        }
    };
}
pub(crate) use string_enum;

string_enum!(
    /// What kind of organisation this is.
    OrgKind, "kind" {
        /// Youth justice service (formerly youth offending team).
        Yjs => "yjs", "Youth justice service";
        /// Young offender institution.
        Yoi => "yoi", "Young offender institution";
        /// Secure training centre.
        Stc => "stc", "Secure training centre";
        /// Secure children's home.
        Sch => "sch", "Secure children's home";
        /// Secure school.
        SecureSchool => "secure_school", "Secure school";
        /// Local authority (accommodation, children's social care).
        LocalAuthority => "local_authority", "Local authority";
        /// Health provider.
        Health => "health", "Health provider";
        /// Education or training provider.
        Education => "education", "Education or training provider";
        /// Anything else.
        Other => "other", "Other";
    }
);

impl OrgKind {
    /// Secure establishments: where a child can be placed in custody.
    pub fn is_secure_establishment(self) -> bool {
        matches!(self, OrgKind::Yoi | OrgKind::Stc | OrgKind::Sch | OrgKind::SecureSchool)
    }
}

string_enum!(
    /// What a person does in an organisation. A user may hold several memberships.
    Role, "role" {
        /// Owns the case and coordinates everyone.
        YjsCaseManager => "yjs_case_manager", "YJS case manager";
        /// Receives all health information; leads the health pathway in the community.
        YjsHealthWorker => "yjs_health_worker", "YJS health worker";
        /// Caseload oversight and escalations.
        YjsManager => "yjs_manager", "YJS manager";
        /// The custody part of the plan.
        SecurePractitioner => "secure_practitioner", "Secure resettlement practitioner";
        /// The secure establishment's own oversight: its caseload by release date and
        /// readiness, the gaps it owns, the meetings it has to attend, and the escalations
        /// addressed to it.
        SecureManager => "secure_manager", "Secure establishment manager";
        /// Health care in the secure establishment.
        CustodyHealth => "custody_health", "Custody healthcare";
        /// Accommodation on release (housing), in a local authority.
        AccommodationOfficer => "accommodation_officer", "Accommodation officer";
        /// The child's social worker in the responsible local authority: looked-after status,
        /// care planning and leaving care.
        SocialWorker => "social_worker", "Social worker";
        /// Education, training and employment.
        EteCoordinator => "ete_coordinator", "ETE coordinator";
        /// Aggregate, pseudonymised outcomes only.
        StrategicLead => "strategic_lead", "Strategic lead";
        /// Organisations and users; no case access.
        Admin => "admin", "Administrator";
        /// Answers subject access requests for the children of their organisation's youth
        /// justice service; no case access otherwise.
        DataProtectionOfficer => "data_protection_officer", "Data protection officer";
    }
);

impl Role {
    /// Health roles may read health content on the child's team.
    pub fn is_health(self) -> bool {
        matches!(self, Role::YjsHealthWorker | Role::CustodyHealth)
    }

    /// Whether the role can be held in an organisation of `kind`: a secure establishment
    /// manager works in a secure establishment and a social worker in a local authority; the
    /// other roles are not tied to one kind (a health provider may employ a YJS health worker).
    pub fn fits(self, kind: OrgKind) -> bool {
        match self {
            Role::SecureManager => kind.is_secure_establishment(),
            Role::SocialWorker => kind == OrgKind::LocalAuthority,
            _ => true,
        }
    }

    /// What to do when [`Role::fits`] says no, in words for the person choosing.
    pub fn misfit_message(self) -> &'static str {
        match self {
            Role::SecureManager => {
                "A secure establishment manager works in a secure establishment: choose a young offender \
                 institution, secure training centre, secure children's home or secure school"
            }
            Role::SocialWorker => "A social worker works in a local authority: choose the local authority",
            _ => "Choose an organisation where people hold this role",
        }
    }

    /// Local authority staff who name their own colleagues on a child's team (a social worker,
    /// an accommodation officer), as well as the youth justice service naming them.
    pub fn names_colleagues(self) -> bool {
        matches!(self, Role::SocialWorker | Role::AccommodationOfficer)
    }

    /// The managers of an organisation: whom its late work escalates to.
    pub fn is_manager(self) -> bool {
        matches!(self, Role::YjsManager | Role::SecureManager)
    }

    /// Roles that work with individual children (everyone but administrators, strategic
    /// leads and data protection officers, who see no child's record in their daily work).
    pub fn works_with_children(self) -> bool {
        !matches!(self, Role::Admin | Role::StrategicLead | Role::DataProtectionOfficer)
    }
}

/// An organisation's short unique code, e.g. `YJS-LEEDS`: letters, digits and hyphens.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrgCode(String);

impl OrgCode {
    /// Upper-cases and checks: 2–20 characters, letters, digits and hyphens, starting with a
    /// letter or digit.
    pub fn parse(input: &str) -> Result<Self, String> {
        let code = input.trim().to_ascii_uppercase();
        let ok_chars = code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        let ok_start = code.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
        if !(2..=20).contains(&code.len()) || !ok_chars || !ok_start {
            return Err("Code must be 2 to 20 letters, digits or hyphens, like YJS-LEEDS".into());
        }
        Ok(Self(code))
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OrgCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for OrgCode {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<OrgCode> for String {
    fn from(c: OrgCode) -> Self {
        c.0
    }
}

/// An organisation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    /// Identifier.
    pub id: OrgId,
    /// Unique short code.
    pub code: OrgCode,
    /// Name people read.
    pub name: String,
    /// Kind.
    pub kind: OrgKind,
}

impl Organisation {
    /// Validates a new organisation's fields.
    pub fn new(id: OrgId, code: &str, name: &str, kind: &str) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let code = OrgCode::parse(code).map_err(|m| errors.add("code", m)).ok();
        let name = crate::validation::required_line(&mut errors, "name", "Name", Some(name), 200);
        let kind = kind.parse::<OrgKind>().map_err(|m| errors.add("kind", m)).ok();
        match (code, kind) {
            (Some(code), Some(kind)) if errors.is_empty() => Ok(Self { id, code, name, kind }),
            _ => Err(errors),
        }
    }
}

/// An email address, lower-cased. Checked only for shape: the address is an identifier here.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    /// Trims, lower-cases and checks there is one `@` with text either side and a dot after it.
    pub fn parse(input: &str) -> Result<Self, String> {
        let e = input.trim().to_lowercase();
        let ok = e.len() <= 254
            && !e.chars().any(char::is_whitespace)
            && e.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains('@')
            });
        if ok { Ok(Self(e)) } else { Err("Enter an email address like name@example.org".into()) }
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Email {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<Email> for String {
    fn from(e: Email) -> Self {
        e.0
    }
}

/// A person who signs in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// Identifier.
    pub id: UserId,
    /// Sign-in address.
    pub email: Email,
    /// Full name.
    pub name: String,
    /// Telephone, shown to the team around a child.
    pub phone: Option<String>,
    /// Whether the user may sign in.
    pub active: bool,
}

/// A user's role in an organisation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    /// Identifier.
    pub id: MembershipId,
    /// The user.
    pub user_id: UserId,
    /// The organisation.
    pub organisation_id: OrgId,
    /// The role held there.
    pub role: Role,
}

/// The shortest password we accept (NCSC and OWASP ASVS guidance: length, not composition).
pub const PASSWORD_MIN_CHARS: usize = 12;
/// The longest; long enough for any passphrase, short enough to bound hashing cost.
pub const PASSWORD_MAX_CHARS: usize = 128;

/// Checks a new password: length only, plus a refusal of the commonest choices.
pub fn check_new_password(password: &str) -> Result<(), String> {
    let n = password.chars().count();
    if n < PASSWORD_MIN_CHARS {
        return Err(format!(
            "Password must be at least {PASSWORD_MIN_CHARS} characters; a phrase of a few words is easiest"
        ));
    }
    if n > PASSWORD_MAX_CHARS {
        return Err(format!("Password must be {PASSWORD_MAX_CHARS} characters or fewer"));
    }
    if is_common_password(password) {
        return Err("That password is too common: choose a different one".into());
    }
    Ok(())
}

/// The most common passwords, lower-cased, most common first: see `data/README.md` for where
/// the list comes from and its licence.
const COMMON_PASSWORDS: &str = include_str!("../data/common-passwords.txt");

/// A few long ones the list lacks, well known from password advice itself.
const ALSO_COMMON: &[&str] = &["correcthorsebatterystaple", "correct horse battery staple"];

fn common_passwords() -> &'static std::collections::HashSet<&'static str> {
    static SET: std::sync::OnceLock<std::collections::HashSet<&'static str>> = std::sync::OnceLock::new();
    SET.get_or_init(|| {
        COMMON_PASSWORDS.lines().map(str::trim).filter(|l| !l.is_empty()).chain(ALSO_COMMON.iter().copied()).collect()
    })
}

/// Whether `password` is a common password: on the list, a listed password followed only by
/// digits or punctuation (`sunshine2024!`), or one listed password repeated (`monkeymonkey`).
/// Case is ignored.
pub fn is_common_password(password: &str) -> bool {
    let set = common_passwords();
    let lower = password.trim().to_lowercase();
    if set.contains(lower.as_str()) {
        return true;
    }
    let core = lower.trim_end_matches(|c: char| c.is_ascii_digit() || c.is_ascii_punctuation() || c == ' ');
    if core.chars().count() >= 4 && set.contains(core) {
        return true;
    }
    let chars: Vec<char> = lower.chars().collect();
    (1..=chars.len() / 2).filter(|unit| chars.len().is_multiple_of(*unit)).any(|unit| {
        let first: String = chars[..unit].iter().collect();
        chars.chunks(unit).all(|c| c == &chars[..unit]) && (unit < 4 || set.contains(first.as_str()))
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn nothing_chosen_and_a_wrong_key_are_said_in_words_without_keys() {
        assert_eq!("".parse::<Role>(), Err("Choose the role".to_string()));
        let wrong = "boss".parse::<Role>().unwrap_err();
        assert_eq!(wrong, "Choose the role from the list");
        assert!(!wrong.contains('_'), "{wrong}");
    }

    #[test]
    fn kinds_and_roles_round_trip_through_their_spelling() {
        for k in OrgKind::ALL {
            assert_eq!(k.as_str().parse::<OrgKind>().unwrap(), *k);
        }
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>().unwrap(), *r);
        }
        let err = "warden".parse::<Role>().unwrap_err();
        assert!(!err.contains("yjs_case_manager"), "{err}");
    }

    #[test]
    fn codes_are_upper_cased_and_checked() {
        assert_eq!(OrgCode::parse(" yjs-leeds ").unwrap().as_str(), "YJS-LEEDS");
        assert!(OrgCode::parse("x").is_err());
        assert!(OrgCode::parse("-ABC").is_err());
        assert!(OrgCode::parse("AB CD").is_err());
    }

    #[test]
    fn emails_are_lower_cased_and_shaped() {
        assert_eq!(Email::parse(" Ann@Example.ORG ").unwrap().as_str(), "ann@example.org");
        for bad in ["", "ann", "ann@", "@example.org", "ann@example", "a b@example.org", "a@b@c.org"] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords_need_length_not_composition() {
        assert!(check_new_password("short").is_err());
        assert!(check_new_password("all lower case words").is_ok());
        assert!(check_new_password("Password1234").is_err());
        assert!(check_new_password(&"x".repeat(129)).is_err());
        assert!(check_new_password(&"long pass phrase ".repeat(4)).is_ok());
    }

    #[test]
    fn common_passwords_are_refused_in_their_usual_disguises() {
        for common in [
            "qwerty123456",
            "1qaz2wsx3edc",
            "SONYERICSSON",
            "sunshine2024!",
            "football1234",
            "monkeymonkey",
            "dragondragondragon",
            "aaaaaaaaaaaa",
            "abababababab",
            "correct horse battery staple",
        ] {
            assert!(check_new_password(common).is_err(), "{common} should be refused");
        }
        for fine in ["a long test passphrase", "demo-only-passphrase", "kettle orbit lantern", "sunshine over leeds"] {
            assert!(check_new_password(fine).is_ok(), "{fine} should be accepted");
        }
        assert!(common_passwords().len() > 40_000, "the whole list is embedded");
    }

    #[test]
    fn an_organisation_reports_every_bad_field() {
        let e = Organisation::new(OrgId::random(), "x", " ", "castle").unwrap_err();
        assert!(e.for_field("code").is_some());
        assert!(e.for_field("name").is_some());
        assert_eq!(e.for_field("kind").unwrap(), "Choose the kind from the list");
    }
}
