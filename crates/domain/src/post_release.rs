//! The period after a child's release: how the child left custody, how long the follow-up
//! lasts, and when the child turns 18 during it.
//!
//! Nothing here reads a clock: every date is a parameter.

use jiff::ToSpan;
use jiff::civil::Date;

/// The default length of the follow-up after release, in months: proven reoffending is
/// measured over the twelve months after release.
pub const DEFAULT_FOLLOW_UP_MONTHS: i32 = 12;

/// How a child left custody.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReleaseKind {
    /// Released at the half-way point of a detention and training order.
    DtoMidTerm,
    /// Released before the half-way point of a DTO (early release).
    DtoEarly,
    /// Released after the half-way point of a DTO (late release).
    DtoLate,
    /// Released on licence from a longer sentence.
    Licence,
    /// Released from remand on bail.
    RemandBail,
    /// Released from remand on acquittal.
    RemandAcquitted,
    /// Released from remand on a non-custodial sentence.
    RemandNonCustodialSentence,
    /// Any other way of leaving custody.
    Other,
}

impl ReleaseKind {
    /// Every kind, in the order forms list them.
    pub const ALL: [Self; 8] = [
        Self::DtoMidTerm,
        Self::DtoEarly,
        Self::DtoLate,
        Self::Licence,
        Self::RemandBail,
        Self::RemandAcquitted,
        Self::RemandNonCustodialSentence,
        Self::Other,
    ];

    /// The stored and wire name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::DtoMidTerm => "dto_mid_term",
            Self::DtoEarly => "dto_early",
            Self::DtoLate => "dto_late",
            Self::Licence => "licence",
            Self::RemandBail => "remand_bail",
            Self::RemandAcquitted => "remand_acquitted",
            Self::RemandNonCustodialSentence => "remand_non_custodial_sentence",
            Self::Other => "other",
        }
    }

    /// The name people read.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::DtoMidTerm => "At the half-way point of the order",
            Self::DtoEarly => "Early release, before the half-way point",
            Self::DtoLate => "Late release, after the half-way point",
            Self::Licence => "On licence",
            Self::RemandBail => "From remand, on bail",
            Self::RemandAcquitted => "From remand, acquitted",
            Self::RemandNonCustodialSentence => "From remand, with a community sentence",
            Self::Other => "Another way",
        }
    }

    /// The kind with the stored name `s`, if any.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == s)
    }

    /// Whether the release is from a sentence (not remand): only these count towards proven
    /// reoffending.
    #[must_use]
    pub const fn is_from_sentence(self) -> bool {
        matches!(self, Self::DtoMidTerm | Self::DtoEarly | Self::DtoLate | Self::Licence)
    }
}

/// The last day of the follow-up: `months` months after release (the default is
/// [`DEFAULT_FOLLOW_UP_MONTHS`]). `None` only when the date would be out of range.
#[must_use]
pub fn follow_up_ends_on(released_on: Date, months: i32) -> Option<Date> {
    released_on.checked_add(months.months()).ok()
}

/// The end of supervision after a detention and training order: the SLED, except that a child
/// aged 18 or over at the half-way point of an order under 24 months is supervised for 12 months
/// from that point (Sentencing Act 2020 s.247 — check the text before relying on this for an
/// unusual order). `None` only when the date would be out of range.
#[must_use]
pub fn dto_supervision_ends_on(born_on: Date, term_months: u8, half_way_on: Date, sled: Date) -> Option<Date> {
    let eighteenth = born_on.checked_add(18.years()).ok()?;
    if term_months < 24 && half_way_on >= eighteenth { half_way_on.checked_add(12.months()).ok() } else { Some(sled) }
}

/// The day a child turns 18 and the day, three months before, on which the team is alerted
/// to plan the move to adult services.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TurningEighteen {
    /// The 18th birthday (a 29 February birthday falls on 28 February in a common year).
    pub birthday: Date,
    /// Three months before the birthday.
    pub alert_on: Date,
}

/// When a child born on `born_on` turns 18, if that falls within the supervision period
/// `from..=to`; `None` otherwise.
#[must_use]
pub fn turning_eighteen(born_on: Date, from: Date, to: Date) -> Option<TurningEighteen> {
    let birthday = born_on.checked_add(18.years()).ok()?;
    if birthday < from || birthday > to {
        return None;
    }
    let alert_on = birthday.checked_sub(3.months()).ok()?;
    Some(TurningEighteen { birthday, alert_on })
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    #[test]
    fn release_kinds_round_trip_and_unknown_names_are_refused() {
        for kind in ReleaseKind::ALL {
            assert_eq!(ReleaseKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(ReleaseKind::parse("DTO_EARLY"), None);
        assert!(ReleaseKind::Licence.is_from_sentence());
        assert!(!ReleaseKind::RemandBail.is_from_sentence());
        // The wire name and the stored name are the same.
        for kind in ReleaseKind::ALL {
            assert_eq!(serde_json::to_value(kind).ok(), Some(serde_json::json!(kind.as_str())));
        }
    }

    #[test]
    fn follow_up_is_twelve_months_by_default() {
        assert_eq!(follow_up_ends_on(date(2026, 3, 15), DEFAULT_FOLLOW_UP_MONTHS), Some(date(2027, 3, 15)));
    }

    #[test]
    fn an_adult_at_half_way_is_supervised_for_twelve_months() {
        let half_way = date(2026, 6, 1);
        let sled = date(2026, 12, 1);
        assert_eq!(dto_supervision_ends_on(date(2008, 5, 1), 12, half_way, sled), Some(date(2027, 6, 1)));
        assert_eq!(dto_supervision_ends_on(date(2009, 5, 1), 12, half_way, sled), Some(sled));
        assert_eq!(dto_supervision_ends_on(date(2008, 5, 1), 24, half_way, sled), Some(sled));
    }

    #[test]
    fn turning_eighteen_inside_and_outside_the_period() {
        let found = turning_eighteen(date(2008, 2, 29), date(2026, 1, 1), date(2026, 12, 31));
        assert_eq!(found, Some(TurningEighteen { birthday: date(2026, 2, 28), alert_on: date(2025, 11, 28) }));
        assert_eq!(turning_eighteen(date(2010, 6, 1), date(2026, 1, 1), date(2026, 12, 31)), None);
    }
}
