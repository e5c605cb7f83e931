//! Fees and charges of a procedure (phí, lệ phí; spec §7.1–7.2).
//!
//! A fee item has a base amount set by law; a People's Council may set a lower rate for a channel (online filing at
//! 50 % or 0 %), and some applicants are exempt. Exemptions apply before reductions; amounts are whole đồng,
//! rounded half up [U: rounding rule not published].

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::calendar::working_time::ReceptionChannel;

/// Fee (phí) or charge (lệ phí): different legal regimes, shown separately on receipts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FeeKind {
    /// Phí: pays for a service.
    Fee,
    /// Lệ phí: a state charge for the administrative act.
    Charge,
}

impl FeeKind {
    /// Vietnamese name.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Fee => "Phí",
            Self::Charge => "Lệ phí",
        }
    }
}

/// A channel-specific rate: a percentage of the base amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChannelRate {
    /// The channel it applies to.
    pub channel: ReceptionChannel,
    /// Percent of the base amount, 0–100.
    pub percent: u32,
    /// The resolution that sets it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_basis: Option<String>,
}

/// One fee item of a procedure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Fee {
    /// Stable key within the procedure, e.g. `le_phi`.
    pub code: String,
    /// Name as published, e.g. "Lệ phí đăng ký thường trú".
    pub name: String,
    /// Fee or charge.
    pub kind: FeeKind,
    /// Base amount in đồng (never negative; zero means free).
    pub amount: i64,
    /// Lower rates by channel.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channel_rates: Vec<ChannelRate>,
    /// Who is exempt (miễn), as published.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exemptions: Vec<String>,
    /// First day it applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_from: Option<NaiveDate>,
    /// Last day it applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_to: Option<NaiveDate>,
    /// The law that sets it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_basis: Option<String>,
    /// Notes, e.g. a range that depends on the case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Fee {
    /// Whether the item applies on `date`.
    pub fn applies_on(&self, date: NaiveDate) -> bool {
        self.effective_from.is_none_or(|from| from <= date) && self.effective_to.is_none_or(|to| date <= to)
    }

    /// The percent of the base amount charged on `channel` (100 without a channel rate).
    pub fn percent_for(&self, channel: ReceptionChannel) -> u32 {
        self.channel_rates.iter().find(|r| r.channel == channel).map_or(100, |r| r.percent)
    }

    /// The amount due on `channel` on `date` in đồng: zero when exempt or not applicable, else the base amount at
    /// the channel's rate, rounded half up to a whole đồng.
    pub fn amount_for(&self, channel: ReceptionChannel, date: NaiveDate, exempt: bool) -> i64 {
        if exempt || !self.applies_on(date) || self.amount <= 0 {
            return 0;
        }
        let percent = i64::from(self.percent_for(channel).min(100));
        (self.amount * percent + 50) / 100
    }

    /// Problems of the item, as (field, message).
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if self.amount < 0 {
            out.push(("amount", format!("mức thu {} đồng là số âm", self.amount)));
        }
        for rate in &self.channel_rates {
            if rate.percent > 100 {
                out.push(("channel_rates", format!("tỷ lệ thu {}% vượt quá 100%", rate.percent)));
            }
        }
        if let (Some(from), Some(to)) = (self.effective_from, self.effective_to)
            && to < from
        {
            out.push(("effective_to", "ngày hết hiệu lực trước ngày có hiệu lực".into()));
        }
        if self.name.trim().is_empty() {
            out.push(("name", "thiếu tên khoản phí, lệ phí".into()));
        }
        out
    }
}

/// Total amount of `fees` due on `channel` on `date`.
pub fn total(fees: &[Fee], channel: ReceptionChannel, date: NaiveDate, exempt: bool) -> i64 {
    fees.iter().map(|f| f.amount_for(channel, date, exempt)).sum()
}

/// Formats đồng the Vietnamese way: `1.500.000 đ`; zero is "Miễn phí".
pub fn format_vnd(amount: i64) -> String {
    if amount == 0 {
        return "Miễn phí".into();
    }
    let digits = amount.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    format!("{}{out} đ", if amount < 0 { "-" } else { "" })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fee(amount: i64, online: Option<u32>) -> Fee {
        Fee {
            code: "le_phi".into(),
            name: "Lệ phí".into(),
            kind: FeeKind::Charge,
            amount,
            channel_rates: online
                .map(|percent| ChannelRate { channel: ReceptionChannel::Online, percent, legal_basis: None })
                .into_iter()
                .collect(),
            exemptions: vec![],
            effective_from: NaiveDate::from_ymd_opt(2025, 7, 1),
            effective_to: None,
            legal_basis: None,
            note: None,
        }
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn online_rate_exemption_and_validity() {
        let f = fee(15_000, Some(50));
        assert_eq!(f.amount_for(ReceptionChannel::Counter, day(2025, 8, 1), false), 15_000);
        assert_eq!(f.amount_for(ReceptionChannel::Online, day(2025, 8, 1), false), 7_500);
        assert_eq!(f.amount_for(ReceptionChannel::Online, day(2025, 8, 1), true), 0);
        assert_eq!(f.amount_for(ReceptionChannel::Counter, day(2025, 6, 30), false), 0);
        assert_eq!(fee(7_001, Some(50)).amount_for(ReceptionChannel::Online, day(2025, 8, 1), false), 3_501);
    }

    #[test]
    fn problems_report_negative_amounts_and_rates_over_100() {
        let mut f = fee(-1, Some(120));
        f.effective_to = Some(day(2025, 1, 1));
        let fields: Vec<&str> = f.problems().into_iter().map(|(k, _)| k).collect();
        assert_eq!(fields, ["amount", "channel_rates", "effective_to"]);
    }

    #[test]
    fn formats_dong() {
        assert_eq!(format_vnd(0), "Miễn phí");
        assert_eq!(format_vnd(8_000), "8.000 đ");
        assert_eq!(format_vnd(1_500_000), "1.500.000 đ");
        assert_eq!(format_vnd(135), "135 đ");
    }

    proptest! {
        #[test]
        fn a_reduced_rate_never_costs_more_than_the_counter(amount in 0i64..100_000_000, percent in 0u32..=100) {
            let f = fee(amount, Some(percent));
            let online = f.amount_for(ReceptionChannel::Online, day(2026, 1, 1), false);
            let counter = f.amount_for(ReceptionChannel::Counter, day(2026, 1, 1), false);
            prop_assert!(0 <= online && online <= counter);
            prop_assert_eq!(counter, amount);
        }
    }
}
