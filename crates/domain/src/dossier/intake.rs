//! Limits on online intake (issue 20): neither one filer nor a flood of online filings may use up a unit's day of
//! dossier codes, which the counter and the post need as well.
//!
//! The law fixes neither number; these are the system's rules. Online filings may take a day's sequence numbers only
//! up to [`last_sequence`] of [`Intake::Online`] — all but the last tenth of the width's range (with four digits,
//! 1–8,999) — so 9,000–9,999 always remain for people standing at the counter or dossiers arriving by post. One filer
//! files at most [`DailyFilingLimit`] dossiers online per day (UTC+7).

use chrono::NaiveDate;

use super::code::SequenceWidth;

/// How a dossier takes its number, as far as the day's sequence is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intake {
    /// Filed online by a citizen or an organisation: limited to its share of the day.
    Online,
    /// Received by an officer, at the counter or by post: the whole range.
    InPerson,
}

/// The numbers of a day kept for in-person reception: the last tenth of the width's range (1,000 of 9,999 with
/// four digits). A tenth keeps a busy counter day's worth of numbers at the busiest units while leaving online
/// filing nine in ten.
pub fn reserved_for_in_person(width: SequenceWidth) -> u32 {
    (width.max() + 1) / 10
}

/// The last sequence number of a day that `intake` may take.
pub fn last_sequence(width: SequenceWidth, intake: Intake) -> u32 {
    match intake {
        Intake::InPerson => width.max(),
        Intake::Online => width.max() - reserved_for_in_person(width),
    }
}

/// Why an online filing is not taken today.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IntakeRefusal {
    /// The unit's online share of the day's numbers is used up; the rest is kept for the counter and the post.
    #[error(
        "Đơn vị {agency} đã nhận đủ {last} hồ sơ trực tuyến của ngày {day}; các số còn lại dành cho hồ sơ nộp trực tiếp \
         hoặc qua bưu chính."
    )]
    OnlineShareUsed {
        /// The receiving unit's agency code.
        agency: String,
        /// The day (UTC+7).
        day: NaiveDate,
        /// The last number online filings may take.
        last: u32,
    },
    /// The filer has filed their daily number of dossiers online.
    #[error("Mỗi người nộp được tối đa {limit} hồ sơ trực tuyến trong một ngày.")]
    FilerLimitReached {
        /// The daily limit.
        limit: u32,
    },
}

/// Whether `intake` may take the day's `sequence`-th number at `agency` (the number is given back if not).
pub fn admit_sequence(
    width: SequenceWidth,
    intake: Intake,
    sequence: u32,
    agency: &str,
    day: NaiveDate,
) -> Result<(), IntakeRefusal> {
    let last = last_sequence(width, intake);
    if intake == Intake::Online && sequence > last {
        return Err(IntakeRefusal::OnlineShareUsed { agency: agency.to_owned(), day, last });
    }
    // In person, running past the width is `DossierCodeError::Overflow`, raised when the code is issued.
    Ok(())
}

/// How many dossiers one filer (the logged-in person, whoever the dossier is for) may file online per day (UTC+7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DailyFilingLimit(u32);

impl DailyFilingLimit {
    /// The default: twenty a day, far above what a person or a household business files, far below a flood.
    pub const DEFAULT: DailyFilingLimit = DailyFilingLimit(20);

    /// A limit of at least one dossier a day (no limit of zero: that would close online filing).
    pub fn new(per_day: u32) -> Option<Self> {
        (per_day >= 1).then_some(Self(per_day))
    }

    /// The number of dossiers a day.
    pub fn per_day(self) -> u32 {
        self.0
    }

    /// Whether a filer who already filed `filed_today` dossiers online today may file one more.
    pub fn admit(self, filed_today: u64) -> Result<(), IntakeRefusal> {
        if filed_today < u64::from(self.0) { Ok(()) } else { Err(IntakeRefusal::FilerLimitReached { limit: self.0 }) }
    }
}

impl Default for DailyFilingLimit {
    fn default() -> Self {
        Self::DEFAULT
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 12, 1).unwrap()
    }

    #[test]
    fn with_four_digits_online_stops_at_8999_and_the_counter_keeps_9000_to_9999() {
        let w = SequenceWidth::PROVINCIAL;
        assert_eq!(last_sequence(w, Intake::Online), 8_999);
        assert_eq!(last_sequence(w, Intake::InPerson), 9_999);
        assert_eq!(reserved_for_in_person(w), 1_000);
        assert_eq!(admit_sequence(w, Intake::Online, 8_999, "000.66.60.H17", day()), Ok(()));
        let refused = admit_sequence(w, Intake::Online, 9_000, "000.66.60.H17", day()).unwrap_err();
        assert!(matches!(refused, IntakeRefusal::OnlineShareUsed { last: 8_999, .. }));
        assert!(refused.to_string().contains("000.66.60.H17") && refused.to_string().contains("trực tiếp"));
        assert_eq!(admit_sequence(w, Intake::InPerson, 9_000, "000.66.60.H17", day()), Ok(()));
        assert_eq!(admit_sequence(w, Intake::InPerson, 9_999, "000.66.60.H17", day()), Ok(()));
        assert_eq!(last_sequence(SequenceWidth::new(7).unwrap(), Intake::Online), 8_999_999);
    }

    #[test]
    fn a_filer_files_up_to_the_daily_limit() {
        let limit = DailyFilingLimit::new(3).unwrap();
        assert_eq!(limit.admit(0), Ok(()));
        assert_eq!(limit.admit(2), Ok(()));
        assert_eq!(limit.admit(3), Err(IntakeRefusal::FilerLimitReached { limit: 3 }));
        assert!(limit.admit(3).unwrap_err().to_string().contains("tối đa 3 hồ sơ"));
        assert_eq!(DailyFilingLimit::new(0), None);
        assert_eq!(DailyFilingLimit::default().per_day(), 20);
    }

    proptest! {
        #[test]
        fn online_never_takes_a_reserved_number_and_in_person_takes_every_number(
            digits in 4u8..=7,
            sequence in 1u32..=9_999_999,
        ) {
            let w = SequenceWidth::new(digits).unwrap();
            let sequence = sequence.min(w.max());
            let online = admit_sequence(w, Intake::Online, sequence, "000.66.60.H17", day()).is_ok();
            prop_assert_eq!(online, sequence <= w.max() - reserved_for_in_person(w));
            prop_assert!(admit_sequence(w, Intake::InPerson, sequence, "000.66.60.H17", day()).is_ok());
            // The reserve is a tenth of the range, and never empty.
            prop_assert_eq!(u64::from(reserved_for_in_person(w)) * 10, u64::from(w.max()) + 1);
        }
    }
}
