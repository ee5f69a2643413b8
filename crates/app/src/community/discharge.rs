//! A sentence's day of release: the decision behind it (the early or late release date, a
//! release brought forward under s.23(3B)) and the days it may be brought forward to.

use super::*;

/// A decision about a sentence's day of release, as sent.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct DischargeInput {
    /// The version read (0 when there is no decision yet).
    pub version: Option<i64>,
    /// The decided release date: the early or late release date, or the mid-term date.
    pub release_on: Option<String>,
    /// The eligible working day the release is brought forward to (s.23(3B)), if any.
    pub brought_forward_to: Option<String>,
    /// Why.
    pub reason: Option<String>,
}

/// A sentence's day of discharge with the decision behind it and the days it could be
/// brought forward to.
#[derive(Clone, Debug, Serialize)]
pub struct DischargeView {
    /// The sentence.
    pub sentence_id: SentenceId,
    /// Its current key dates.
    pub dates: KeyDates,
    /// The decision recorded, if any.
    pub decision: Option<DischargeDecision>,
    /// The expected day of discharge.
    pub discharge_on: Date,
    /// The eligible working days the release may be brought forward to (empty when it may not).
    pub options: Vec<Date>,
}

impl App {
    /// The sentence's current key dates and its child, after the access check.
    async fn sentence_dates(&self, ctx: &Ctx, id: SentenceId, purpose: Purpose) -> AppResult<(ChildId, KeyDates)> {
        let sentence = self.store.sentence(id).await?.ok_or(AppError::NotFound)?;
        self.child_for(ctx, sentence.child_id, purpose).await?;
        let views = self.store.sentences(sentence.child_id).await?;
        let dates = views
            .iter()
            .find(|v| v.sentence.id == id)
            .and_then(|v| v.revisions.last())
            .map(|r| r.dates.clone())
            .ok_or(AppError::NotFound)?;
        Ok((sentence.child_id, dates))
    }

    fn discharge_view(
        calendar: &resettle_domain::calendar::Calendar,
        sentence_id: SentenceId,
        dates: KeyDates,
        decision: Option<DischargeDecision>,
    ) -> DischargeView {
        let release = decision.as_ref().and_then(|d| d.release_on).unwrap_or(dates.mtd);
        let unmoved = discharge_on(calendar, release, dates.term_days.is_none_or(|d| d > 5));
        DischargeView {
            sentence_id,
            discharge_on: discharge_with(calendar, &dates, decision.as_ref()),
            options: bring_forward_options(calendar, unmoved),
            dates,
            decision,
        }
    }

    /// A sentence's day of discharge, the decision behind it and the days it could be brought
    /// forward to.
    pub async fn discharge(&self, ctx: &Ctx, id: SentenceId) -> AppResult<DischargeView> {
        let (child_id, dates) = self.sentence_dates(ctx, id, Purpose::Read).await?;
        self.audit(ctx, "read", "key_dates", Some(child_id)).await?;
        let decision = self.store.discharge_decision(id).await?;
        Ok(Self::discharge_view(&*self.calendar().await?, id, dates, decision))
    }

    /// Records the decision about a sentence's day of release: the early or late release date
    /// once decided, and a release on a Friday or before a bank holiday brought forward by up
    /// to two eligible working days (Criminal Justice Act 1961 s.23(3B)–(3D)), with why.
    pub async fn decide_discharge(
        &self,
        ctx: &Ctx,
        id: SentenceId,
        input: &DischargeInput,
    ) -> AppResult<DischargeView> {
        let (child_id, dates) = self.sentence_dates(ctx, id, Purpose::Change).await?;
        let calendar = self.calendar().await?;
        let current = self.store.discharge_decision(id).await?;
        let mut e = ValidationErrors::new();
        let version = input.version.unwrap_or(-1);
        if input.version.is_none() {
            e.add("version", "Send the version of the decision you read (0 when there is none)");
        }
        let reason = optional_text(&mut e, "reason", "Reason", input.reason.as_deref(), 1000);
        if reason.is_none() && e.for_field("reason").is_none() {
            e.add("reason", "Say why the day of release is decided this way");
        }
        let release_on = parse_date(&mut e, "release_on", "The release date", input.release_on.as_deref());
        let allowed: Vec<Date> = [dates.etd, Some(dates.mtd), dates.ltd].into_iter().flatten().collect();
        if let Some(r) = release_on
            && !allowed.contains(&r)
        {
            let words: Vec<String> = allowed.iter().map(|d| long_date(*d)).collect();
            e.add("release_on", format!("The release date must be one of the key dates: {}", words.join(", ")));
        }
        let brought_forward_to =
            parse_date(&mut e, "brought_forward_to", "The day brought forward to", input.brought_forward_to.as_deref());
        if let Some(to) = brought_forward_to
            && e.for_field("release_on").is_none()
        {
            let release = release_on.unwrap_or(dates.mtd);
            let unmoved = discharge_on(&calendar, release, dates.term_days.is_none_or(|d| d > 5));
            let options = bring_forward_options(&calendar, unmoved);
            if options.is_empty() {
                e.add(
                    "brought_forward_to",
                    format!(
                        "A release on {} cannot be brought forward: only one on a Friday or the day before a bank holiday may be",
                        long_date(unmoved)
                    ),
                );
            } else if !options.contains(&to) {
                let words: Vec<String> = options.iter().map(|d| long_date(*d)).collect();
                e.add("brought_forward_to", format!("Choose one of the eligible working days: {}", words.join(" or ")));
            }
        }
        let Some(reason) = reason.filter(|_| e.is_empty()) else { return Err(AppError::Invalid(e)) };
        let current_version = current.as_ref().map_or(0, |d| d.version);
        if version != current_version {
            return Err(AppError::Conflict { current_version });
        }
        let decision = DischargeDecision {
            sentence_id: id,
            release_on,
            brought_forward_to,
            reason,
            version: current_version + 1,
            recorded_by_name: ctx.actor.name.clone(),
            recorded_at: self.now(),
        };
        let day = discharge_with(&calendar, &dates, Some(&decision));
        let entry = self.entry_for(
            ctx,
            child_id,
            "discharge.decided",
            format!("Day of discharge: {}", long_date(day)),
            Some(decision.reason.clone()),
        );
        let audit = [self.write_event(ctx, "sentence", child_id)];
        self.store.put_discharge_decision(&decision, current_version, &entry, &audit).await?;
        Ok(Self::discharge_view(&calendar, id, dates, Some(decision)))
    }
}
