//! Sentences and remands: what the court decided, the key dates that follow, and the
//! deadlines that planning must meet.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::dto::{DtoInput, DtoKeyDates, dto_key_dates};
use crate::ids::{ChildId, DeadlineId, EpisodeId, KeyDatesId, OrgId, RemandId, SentenceId, UserId};
use crate::org::string_enum;
use crate::team::parse_date;
use crate::timescales::DeadlineKind;
use crate::validation::{ValidationErrors, optional_line, optional_text};

string_enum!(
    /// The kind of custodial sentence.
    SentenceKind, "kind" {
        /// Detention and Training Order (Sentencing Act 2020 ss.233–248): key dates calculated.
        Dto => "dto", "Detention and Training Order";
        /// Long-term detention (Sentencing Act 2020 s.250): key dates from the establishment.
        S250 => "s250", "Long-term detention (s.250)";
        /// Extended sentence: key dates from the establishment.
        Extended => "extended", "Extended sentence";
        /// Any other custodial sentence: key dates from the establishment.
        Other => "other", "Other custodial sentence";
    }
);

string_enum!(
    /// Where a revision of the key dates came from.
    KeyDatesSource, "source" {
        /// Calculated by Resettle from the sentence (Detention and Training Orders).
        Calculated => "calculated", "Calculated by Resettle";
        /// Entered from the establishment's own calculation.
        Entered => "entered", "Entered from the establishment's calculation";
    }
);

/// A custodial sentence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sentence {
    /// Identifier.
    pub id: SentenceId,
    /// The child.
    pub child_id: ChildId,
    /// The custody episode it is served in.
    pub episode_id: EpisodeId,
    /// Kind.
    pub kind: SentenceKind,
    /// Date of sentence.
    pub sentence_date: Date,
    /// Term in months (Detention and Training Orders).
    pub term_months: Option<u8>,
    /// Days of remand credited.
    pub remand_days: u32,
    /// The sentencing court.
    pub court: Option<String>,
    /// Increases with each recalculation.
    pub version: i64,
}

/// The key dates of a sentence. For a Detention and Training Order every field is calculated;
/// for other sentences `release` and `sled` are entered and the rest may be absent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyDates {
    /// Days in the whole term (DTO).
    pub term_days: Option<i32>,
    /// Days in custody before release (DTO).
    pub custody_days: Option<i32>,
    /// Release date: the mid-term date (MTD) of a DTO, or the release date given by the
    /// establishment.
    pub mtd: Date,
    /// Earliest release date, where eligible.
    pub etd: Option<Date>,
    /// Latest release date, where eligible.
    pub ltd: Option<Date>,
    /// Sentence and licence expiry date.
    pub sled: Date,
}

impl From<&DtoKeyDates> for KeyDates {
    fn from(d: &DtoKeyDates) -> Self {
        Self {
            term_days: Some(d.term_days),
            custody_days: Some(d.custody_days),
            mtd: d.mtd,
            etd: d.etd,
            ltd: d.ltd,
            sled: d.sled,
        }
    }
}

/// One revision of a sentence's key dates. Revisions are never changed or deleted: a
/// recalculation adds a new one, with its reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyDatesRevision {
    /// Identifier.
    pub id: KeyDatesId,
    /// The sentence.
    pub sentence_id: SentenceId,
    /// 1 for the first calculation, then 2, 3…
    pub revision: i32,
    /// The dates.
    pub dates: KeyDates,
    /// The sentence date this revision used.
    pub sentence_date: Date,
    /// The term this revision used (DTO).
    pub term_months: Option<u8>,
    /// The remand credit this revision used.
    pub remand_days: u32,
    /// Calculated or entered.
    pub source: KeyDatesSource,
    /// Why this revision exists ("Sentence recorded", "12 more days of remand found", or the
    /// establishment's calculation it was copied from).
    pub reason: String,
    /// When.
    pub recorded_at: Timestamp,
    /// Who.
    pub recorded_by: Option<UserId>,
    /// Their name then.
    pub recorded_by_name: String,
}

/// A remand to youth detention accommodation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Remand {
    /// Identifier.
    pub id: RemandId,
    /// The child.
    pub child_id: ChildId,
    /// The custody episode.
    pub episode_id: EpisodeId,
    /// First day on remand.
    pub started_on: Date,
    /// Where.
    pub establishment_id: OrgId,
    /// Next court appearance.
    pub next_court_date: Option<Date>,
    /// The remanding court.
    pub court: Option<String>,
    /// The local authority the child is looked after by while on remand (LASPO Act 2012
    /// s.104), when named.
    #[serde(default)]
    pub local_authority_id: Option<OrgId>,
    /// Whether this remand made the child looked after (they were not before): the status
    /// then ends when the remand does.
    #[serde(default)]
    pub made_looked_after: bool,
}

/// A deadline as stored for a child's custody episode.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredDeadline {
    /// Identifier.
    pub id: DeadlineId,
    /// The child.
    pub child_id: ChildId,
    /// The custody episode it belongs to.
    pub episode_id: EpisodeId,
    /// What must happen.
    pub kind: DeadlineKind,
    /// By when.
    pub due_by: Date,
    /// How the date was worked out.
    pub rule: String,
}

/// Unvalidated input for a sentence, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentenceInput {
    /// Kind key.
    pub kind: Option<String>,
    /// `YYYY-MM-DD`.
    pub sentence_date: Option<String>,
    /// Term in months (DTO).
    pub term_months: Option<String>,
    /// Days of remand to credit.
    pub remand_days: Option<String>,
    /// Days on bail with a qualifying curfew and an electronic monitoring condition (tagged
    /// bail), of which half, rounded up, is credited as well ([`curfew_credit_days`]).
    #[serde(default)]
    pub curfew_days: Option<String>,
    /// The establishment the child is sent to (id).
    pub establishment_id: Option<String>,
    /// The sentencing court.
    pub court: Option<String>,
    /// Release date from the establishment's calculation (other sentences).
    pub release_date: Option<String>,
    /// Sentence and licence expiry from the establishment's calculation (other sentences).
    pub sled: Option<String>,
    /// Where the entered dates come from (other sentences).
    pub key_dates_source: Option<String>,
    /// The recorded offence (of this child) the sentence is for, by id.
    #[serde(default)]
    pub offence_id: Option<String>,
}

/// A checked sentence input: what to store, and the first revision's dates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedSentence {
    /// Kind.
    pub kind: SentenceKind,
    /// Sentence date.
    pub sentence_date: Date,
    /// Term (DTO).
    pub term_months: Option<u8>,
    /// Remand credit.
    pub remand_days: u32,
    /// Establishment.
    pub establishment_id: OrgId,
    /// Court.
    pub court: Option<String>,
    /// The key dates.
    pub dates: KeyDates,
    /// Calculated or entered.
    pub source: KeyDatesSource,
    /// The reason for the first revision.
    pub reason: String,
}

fn parse_count(e: &mut ValidationErrors, field: &str, label: &str, value: Option<&str>, max: u32) -> Option<u32> {
    let s = value.map(str::trim).filter(|s| !s.is_empty())?;
    match s.parse::<u32>() {
        Ok(n) if n <= max => Some(n),
        Ok(_) => {
            e.add(field, format!("{label} must be {max} or fewer"));
            None
        }
        Err(_) => {
            e.add(field, format!("{label} must be a whole number of 0 or more, like 12"));
            None
        }
    }
}

impl SentenceInput {
    /// Checks the input and works out the key dates. `today` refuses sentence dates in the
    /// future.
    pub fn validate(&self, today: Date) -> Result<CheckedSentence, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let kind = match self.kind.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => {
                e.add("kind", "Choose the kind of sentence");
                None
            }
            Some(s) => s.parse::<SentenceKind>().map_err(|m| e.add("kind", m)).ok(),
        };
        let sentence_date = match parse_date(&mut e, "sentence_date", "Sentence date", self.sentence_date.as_deref()) {
            None if self.sentence_date.as_deref().is_none_or(|s| s.trim().is_empty()) => {
                e.add("sentence_date", "Enter the date of sentence");
                None
            }
            Some(d) if d > today => {
                e.add("sentence_date", "Sentence date must be today or in the past");
                None
            }
            other => other,
        };
        let establishment_id = match self.establishment_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => {
                e.add("establishment_id", "Choose the secure establishment the child was sent to");
                None
            }
            Some(s) => s
                .parse::<OrgId>()
                .map_err(|_| e.add("establishment_id", "establishment_id must be the id of a secure establishment"))
                .ok(),
        };
        let court = optional_line(&mut e, "court", "Court", self.court.as_deref(), 200);
        let custody_days =
            parse_count(&mut e, "remand_days", "Remand days", self.remand_days.as_deref(), 10_000).unwrap_or(0);
        let curfew_days =
            parse_count(&mut e, "curfew_days", "Days on tagged bail", self.curfew_days.as_deref(), 10_000).unwrap_or(0);
        let remand_days = custody_days + curfew_credit_days(curfew_days);
        let credit_words = match curfew_days {
            0 => String::new(),
            n => format!(
                "; remand credit {remand_days} days: {custody_days} in custody and {} for {n} on tagged bail",
                curfew_credit_days(n)
            ),
        };
        let term_months = match kind {
            Some(SentenceKind::Dto) => match self.term_months.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                None => {
                    e.add("term_months", "Enter the term of the order in months (4 to 24)");
                    None
                }
                Some(s) => match s.parse::<u8>() {
                    Ok(m) if (4..=24).contains(&m) => Some(m),
                    _ => {
                        e.add(
                            "term_months",
                            "The term of a Detention and Training Order must be a whole number of months from 4 to 24",
                        );
                        None
                    }
                },
            },
            _ => None,
        };
        let (Some(kind), Some(sentence_date), Some(establishment_id)) = (kind, sentence_date, establishment_id) else {
            return Err(e);
        };
        if kind == SentenceKind::Dto {
            let Some(term_months) = term_months else { return Err(e) };
            let input = DtoInput { sentence_date, term_months, remand_days };
            let dto = dto_key_dates(&input).map_err(|err| {
                let mut e = e.clone();
                e.add("term_months", err.to_string());
                e
            })?;
            return e.into_result(CheckedSentence {
                kind,
                sentence_date,
                term_months: Some(term_months),
                remand_days,
                establishment_id,
                court,
                dates: KeyDates::from(&dto),
                source: KeyDatesSource::Calculated,
                reason: format!("Sentence recorded; key dates calculated{credit_words}"),
            });
        }
        let release = parse_date(&mut e, "release_date", "Release date", self.release_date.as_deref());
        let sled = parse_date(&mut e, "sled", "Sentence and licence expiry date", self.sled.as_deref());
        let source = optional_text(&mut e, "key_dates_source", "Source", self.key_dates_source.as_deref(), 300);
        if release.is_none() && e.for_field("release_date").is_none() {
            e.add("release_date", "Enter the release date from the establishment's calculation");
        }
        if sled.is_none() && e.for_field("sled").is_none() {
            e.add("sled", "Enter the sentence and licence expiry date from the establishment's calculation");
        }
        if source.is_none() && e.for_field("key_dates_source").is_none() {
            e.add(
                "key_dates_source",
                "Say where these dates come from, for example the establishment's calculation sheet of 3 November 2026",
            );
        }
        if let Some(r) = release
            && r < sentence_date
        {
            e.add("release_date", "Release date must be on or after the sentence date");
        }
        if let (Some(r), Some(s)) = (release, sled)
            && s < r
        {
            e.add("sled", "Sentence and licence expiry must be on or after the release date");
        }
        match (release, sled, source) {
            (Some(mtd), Some(sled), Some(source)) if e.is_empty() => Ok(CheckedSentence {
                kind,
                sentence_date,
                term_months: None,
                remand_days,
                establishment_id,
                court,
                dates: KeyDates { term_days: None, custody_days: None, mtd, etd: None, ltd: None, sled },
                source: KeyDatesSource::Entered,
                reason: format!("Sentence recorded; key dates from {source}{credit_words}"),
            }),
            _ => Err(e),
        }
    }
}

/// The days credited for `days` on bail with a qualifying curfew (at least nine hours a day)
/// and an electronic monitoring condition: half, rounded up (Sentencing Act 2020 s.325, the
/// credit period for time on bail; for a Detention and Training Order the court takes account
/// of the same period under s.237 — *check* with the establishment's calculation, which is
/// what counts).
pub fn curfew_credit_days(days: u32) -> u32 {
    days.div_ceil(2)
}

string_enum!(
    /// How a remand ended: one of the ways a child leaves custody from remand (the release
    /// kinds of the same names), or a custodial sentence, which continues the same custody
    /// episode and plan.
    RemandOutcome, "remand outcome" {
        /// Released on bail.
        RemandBail => "remand_bail", "Released on bail";
        /// Acquitted, or the case was dropped.
        RemandAcquitted => "remand_acquitted", "Acquitted";
        /// Sentenced to a community sentence.
        RemandNonCustodialSentence => "remand_non_custodial_sentence", "Community sentence";
        /// Sentenced to custody: the custody goes on as a sentence.
        CustodialSentence => "custodial_sentence", "Sentenced to custody";
    }
);

/// How and when a remand ended, as far as the record says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct RemandEnd {
    /// The court's date: the day of sentence, or the day of release.
    pub on: Date,
    /// How it ended, when known (a release recorded without its kind leaves it unknown).
    pub outcome: Option<RemandOutcome>,
}

/// How `remand` ended: a sentence in the same custody episode on or after its first day
/// (custodial sentence, on the day of sentence); else the release that ended the episode
/// (`released`: the episode's day of release and how the child left), when that was from
/// remand. `None` while the remand goes on.
pub fn remand_end(
    remand: &Remand,
    sentences: &[Sentence],
    released: Option<(Date, Option<crate::post_release::ReleaseKind>)>,
) -> Option<RemandEnd> {
    use crate::post_release::ReleaseKind as K;
    let sentenced = sentences
        .iter()
        .filter(|s| s.episode_id == remand.episode_id && s.sentence_date >= remand.started_on)
        .map(|s| s.sentence_date)
        .min();
    if let Some(on) = sentenced {
        return Some(RemandEnd { on, outcome: Some(RemandOutcome::CustodialSentence) });
    }
    let (on, kind) = released?;
    let outcome = match kind {
        Some(K::RemandBail) => Some(RemandOutcome::RemandBail),
        Some(K::RemandAcquitted) => Some(RemandOutcome::RemandAcquitted),
        Some(K::RemandNonCustodialSentence) => Some(RemandOutcome::RemandNonCustodialSentence),
        _ => None,
    };
    Some(RemandEnd { on, outcome })
}

/// Unvalidated input for a remand.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemandInput {
    /// First day on remand, `YYYY-MM-DD`.
    pub start_date: Option<String>,
    /// Establishment id.
    pub establishment_id: Option<String>,
    /// Next court date, `YYYY-MM-DD`.
    pub next_court_date: Option<String>,
    /// The remanding court.
    pub court: Option<String>,
    /// The recorded offence (of this child) the remand is for, by id.
    #[serde(default)]
    pub offence_id: Option<String>,
    /// The local authority the child will be looked after by (id); by default the local
    /// authority on the child's team.
    #[serde(default)]
    pub local_authority_id: Option<String>,
}

/// A checked remand input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedRemand {
    /// First day.
    pub started_on: Date,
    /// Establishment.
    pub establishment_id: OrgId,
    /// Next court date.
    pub next_court_date: Option<Date>,
    /// Court.
    pub court: Option<String>,
}

impl RemandInput {
    /// Checks the input.
    pub fn validate(&self, today: Date) -> Result<CheckedRemand, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let started_on = match parse_date(&mut e, "start_date", "Remand start date", self.start_date.as_deref()) {
            None if e.for_field("start_date").is_none() => {
                e.add("start_date", "Enter the date the remand started");
                None
            }
            Some(d) if d > today => {
                e.add("start_date", "Remand start date must be today or in the past");
                None
            }
            other => other,
        };
        let establishment_id = match self.establishment_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => {
                e.add("establishment_id", "Choose the secure establishment");
                None
            }
            Some(s) => s
                .parse::<OrgId>()
                .map_err(|_| e.add("establishment_id", "establishment_id must be the id of a secure establishment"))
                .ok(),
        };
        let next_court_date = parse_date(&mut e, "next_court_date", "Next court date", self.next_court_date.as_deref());
        if let (Some(s), Some(n)) = (started_on, next_court_date)
            && n < s
        {
            e.add("next_court_date", "Next court date must be on or after the start of the remand");
        }
        let court = optional_line(&mut e, "court", "Court", self.court.as_deref(), 200);
        match (started_on, establishment_id) {
            (Some(started_on), Some(establishment_id)) if e.is_empty() => {
                Ok(CheckedRemand { started_on, establishment_id, next_court_date, court })
            }
            _ => Err(e),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn dto(term: &str, remand: &str) -> SentenceInput {
        SentenceInput {
            kind: Some("dto".into()),
            sentence_date: Some("2026-01-15".into()),
            term_months: Some(term.into()),
            remand_days: Some(remand.into()),
            establishment_id: Some(OrgId::random().to_string()),
            ..Default::default()
        }
    }

    #[test]
    fn a_dto_is_calculated() {
        let c = dto("10", "0").validate(date(2026, 11, 22)).unwrap();
        assert_eq!(c.dates.mtd, date(2026, 6, 15));
        assert_eq!(c.dates.sled, date(2026, 11, 14));
        assert_eq!(c.source, KeyDatesSource::Calculated);
    }

    #[test]
    fn a_dto_term_outside_4_to_24_months_is_refused_with_the_reason() {
        for bad in ["3", "25", "ten", "-4"] {
            let e = dto(bad, "0").validate(date(2026, 11, 22)).unwrap_err();
            assert!(e.for_field("term_months").unwrap().contains("4 to 24"), "{bad}: {e:?}");
        }
        let e = dto("10", "-3").validate(date(2026, 11, 22)).unwrap_err();
        assert!(e.for_field("remand_days").is_some());
    }

    #[test]
    fn a_future_sentence_date_is_refused() {
        let e = dto("10", "0").validate(date(2026, 1, 14)).unwrap_err();
        assert!(e.for_field("sentence_date").is_some());
    }

    #[test]
    fn other_sentences_need_entered_dates_and_their_source() {
        let mut i = dto("", "0");
        i.kind = Some("s250".into());
        let e = i.validate(date(2026, 11, 22)).unwrap_err();
        for f in ["release_date", "sled", "key_dates_source"] {
            assert!(e.for_field(f).is_some(), "{f}");
        }
        i.release_date = Some("2027-03-01".into());
        i.sled = Some("2027-01-01".into());
        i.key_dates_source = Some("HMYOI calculation sheet".into());
        assert!(i.validate(date(2026, 11, 22)).unwrap_err().for_field("sled").is_some());
        i.sled = Some("2028-03-01".into());
        let c = i.validate(date(2026, 11, 22)).unwrap();
        assert_eq!(c.source, KeyDatesSource::Entered);
        assert_eq!(c.dates.mtd, date(2027, 3, 1));
        assert!(c.reason.contains("HMYOI calculation sheet"));
    }

    #[test]
    fn a_remand_needs_a_start_and_an_establishment() {
        let e = RemandInput::default().validate(date(2026, 11, 22)).unwrap_err();
        assert!(e.for_field("start_date").is_some());
        assert!(e.for_field("establishment_id").is_some());
        let ok = RemandInput {
            start_date: Some("2026-11-02".into()),
            establishment_id: Some(OrgId::random().to_string()),
            next_court_date: Some("2026-11-30".into()),
            court: None,
            offence_id: None,
            local_authority_id: None,
        }
        .validate(date(2026, 11, 22))
        .unwrap();
        assert_eq!(ok.next_court_date, Some(date(2026, 11, 30)));
    }

    #[test]
    fn days_on_tagged_bail_add_half_rounded_up_to_the_remand_credit() {
        assert_eq!((curfew_credit_days(0), curfew_credit_days(1), curfew_credit_days(9)), (0, 1, 5));
        let plain = dto("10", "10").validate(date(2026, 11, 22)).unwrap();
        let tagged =
            SentenceInput { curfew_days: Some("9".into()), ..dto("10", "10") }.validate(date(2026, 11, 22)).unwrap();
        assert_eq!((plain.remand_days, tagged.remand_days), (10, 15));
        // Five more days of credit bring the mid-term date five days earlier.
        assert_eq!(plain.dates.mtd.since(tagged.dates.mtd).unwrap().get_days(), 5);
        assert!(tagged.reason.contains("10 in custody and 5 for 9 on tagged bail"), "{}", tagged.reason);
        let e = SentenceInput { curfew_days: Some("a week".into()), ..dto("10", "0") }
            .validate(date(2026, 11, 22))
            .unwrap_err();
        assert!(e.for_field("curfew_days").unwrap().contains("whole number"), "{e:?}");
    }

    #[test]
    fn a_remand_ends_with_the_sentence_in_its_episode_or_with_the_release_from_it() {
        use crate::post_release::ReleaseKind;
        let episode = EpisodeId::random();
        let remand = Remand {
            id: RemandId::random(),
            child_id: ChildId::random(),
            episode_id: episode,
            started_on: date(2026, 3, 2),
            establishment_id: OrgId::random(),
            next_court_date: None,
            court: None,
            local_authority_id: None,
            made_looked_after: true,
        };
        let sentence = |episode_id, day| Sentence {
            id: SentenceId::random(),
            child_id: remand.child_id,
            episode_id,
            kind: SentenceKind::Dto,
            sentence_date: day,
            term_months: Some(8),
            remand_days: 0,
            court: None,
            version: 1,
        };
        // Still on remand; a sentence in another episode (an earlier custody) changes nothing.
        let earlier = sentence(EpisodeId::random(), date(2025, 1, 6));
        assert_eq!(remand_end(&remand, std::slice::from_ref(&earlier), None), None);
        // Sentenced in the same episode: a custodial sentence, on the day of sentence.
        let sentenced = [earlier, sentence(episode, date(2026, 4, 20))];
        assert_eq!(
            remand_end(&remand, &sentenced, Some((date(2026, 8, 20), Some(ReleaseKind::DtoMidTerm)))),
            Some(RemandEnd { on: date(2026, 4, 20), outcome: Some(RemandOutcome::CustodialSentence) })
        );
        // Released from remand: the release kind, on the day of release.
        for (kind, outcome) in [
            (ReleaseKind::RemandBail, Some(RemandOutcome::RemandBail)),
            (ReleaseKind::RemandAcquitted, Some(RemandOutcome::RemandAcquitted)),
            (ReleaseKind::RemandNonCustodialSentence, Some(RemandOutcome::RemandNonCustodialSentence)),
            (ReleaseKind::Other, None),
        ] {
            assert_eq!(
                remand_end(&remand, &sentenced[..1], Some((date(2026, 3, 20), Some(kind)))),
                Some(RemandEnd { on: date(2026, 3, 20), outcome }),
                "{kind:?}"
            );
        }
        // Every outcome key is the release kind of the same name, or custodial_sentence.
        for o in RemandOutcome::ALL {
            assert!(*o == RemandOutcome::CustodialSentence || ReleaseKind::parse(o.as_str()).is_some(), "{o:?}");
        }
    }
}
