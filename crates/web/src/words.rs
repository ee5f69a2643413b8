//! Dates, times and audited resources in words, for pages and for the subject access copy.

use jiff::Timestamp;
use jiff::civil::Date;

use crate::i18n::{Arg, Lang};

/// A value a template can show as a date or time, however many references deep askama
/// hands it over.
pub trait Temporal {
    /// The date.
    fn date(&self) -> Date;
    /// The instant (midnight UTC for a date).
    fn timestamp(&self) -> Timestamp;
}

impl Temporal for Date {
    fn date(&self) -> Date {
        *self
    }
    fn timestamp(&self) -> Timestamp {
        self.to_zoned(jiff::tz::TimeZone::UTC).map(|z| z.timestamp()).unwrap_or(Timestamp::UNIX_EPOCH)
    }
}

impl Temporal for Timestamp {
    fn date(&self) -> Date {
        self.to_zoned(london()).date()
    }
    fn timestamp(&self) -> Timestamp {
        *self
    }
}

impl<T: Temporal + ?Sized> Temporal for &T {
    fn date(&self) -> Date {
        (**self).date()
    }
    fn timestamp(&self) -> Timestamp {
        (**self).timestamp()
    }
}

fn london() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get("Europe/London").unwrap_or(jiff::tz::TimeZone::UTC)
}

/// `27 March 2010`, or `27 Mawrth 2010` on a Welsh page.
pub fn long_date(d: impl Temporal) -> String {
    date_in(crate::i18n::current(), d.date())
}

/// `27 March 2026 at 14:05` in UK time (`27 Mawrth 2026 am 14:05` on a Welsh page).
pub fn long_time(t: impl Temporal) -> String {
    let lang = crate::i18n::current();
    let zoned = t.timestamp().to_zoned(london());
    let time = zoned.strftime("%H:%M").to_string();
    lang.t_args("date-at-time", &[("date", Arg::Text(date_in(lang, zoned.date()))), ("time", Arg::Text(time))])
}

/// A day in words in `lang`.
pub fn date_in(lang: Lang, d: Date) -> String {
    lang.t_args(
        "date-long",
        &[
            ("day", Arg::Text(d.day().to_string())),
            ("month", Arg::Text(lang.t(&format!("month-{}", d.month())))),
            ("year", Arg::Text(d.year().to_string())),
        ],
    )
}

/// Words for an audited resource.
pub fn resource_label(resource: impl AsRef<str>) -> &'static str {
    match resource.as_ref() {
        "child" => "personal details",
        "child.record" => "the whole record",
        "child.team" => "the team around the child",
        "child.carers" => "parents and carers",
        "child.audit" => "who has viewed the record",
        "child.identifier" => "whether a record exists (search by identifier)",
        "key_dates" => "key dates",
        "sentence" => "the sentence",
        "remand" => "the remand",
        "custody" => "custody",
        "plan" => "the resettlement plan",
        "plan.need" => "a support need",
        "plan.meeting" | "plan.meetings" => "meetings",
        "plan.action" => "an action",
        "post_release" => "the period after release",
        "appointment" => "an appointment",
        "enforcement" => "a warning, breach or recall",
        "offence" => "an arrest or offence",
        "living_arrangement" => "where the child lives",
        "ete_placement" => "education, training or employment",
        "subject_access.request" | "subject_access.find" => "a request for a copy of the record",
        "subject_access.health_review" => "the health review of a request for a copy",
        "subject_access.export" => "the record, to make a copy for a request",
        _ => "the record",
    }
}
