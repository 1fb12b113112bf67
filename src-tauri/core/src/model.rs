//! Domain vocabulary shared by the store, import, queries and the UI: the
//! closed sets of values (tiers, stages, roles...) and how each is spelled in
//! the database, in files and in TypeScript.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Declares a closed set of values stored as text: one spelling everywhere
/// (SQLite, CSV, JSON, TypeScript), plus parsing that accepts the usual
/// spellings found in exports ("Executive Sponsor", "executive-sponsor").
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, ts_rs::TS)]
        pub enum $name {
            $(#[serde(rename = $text)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Parses the canonical spelling, ignoring case, spaces and dashes.
            pub fn parse(input: &str) -> Option<Self> {
                // The canonical spelling itself (what the database holds)
                // without building anything: lists read thousands of them.
                if let Some(v) = Self::ALL.iter().copied().find(|v| v.as_str() == input) {
                    return Some(v);
                }
                let wanted: String = input
                    .trim()
                    .chars()
                    .map(|c| if c == ' ' || c == '-' { '_' } else { c })
                    .collect();
                Self::ALL.iter().copied().find(|v| v.as_str().eq_ignore_ascii_case(&wanted))
            }

            /// The accepted values, for error messages.
            pub fn choices() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }

        impl rusqlite::types::ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(rusqlite::types::ToSqlOutput::from(self.as_str()))
            }
        }

        impl rusqlite::types::FromSql for $name {
            fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                let text = value.as_str()?;
                Self::parse(text).ok_or_else(|| rusqlite::types::FromSqlError::Other(
                    format!("unknown {} '{}'", stringify!($name), text).into(),
                ))
            }
        }
    };
}
pub(crate) use text_enum;

text_enum!(
    /// Segment by ARR: A is high-touch, B low-touch, C tech-touch.
    Tier { A => "A", B => "B", C => "C" }
);

text_enum!(
    LifecycleStage {
        Onboarding => "onboarding",
        Adopting => "adopting",
        Mature => "mature",
        Renewal => "renewal",
        AtRisk => "at_risk",
        Churned => "churned",
    }
);

text_enum!(AccountStatus { Active => "active", Churned => "churned" });

text_enum!(
    ContactRole {
        Champion => "champion",
        ExecutiveSponsor => "executive_sponsor",
        DecisionMaker => "decision_maker",
        User => "user",
        Billing => "billing",
    }
);

text_enum!(
    ActivityKind { Call => "call", Meeting => "meeting", Email => "email", Note => "note", Qbr => "qbr" }
);

impl ActivityKind {
    /// Its name in a record Steward writes elsewhere (a CRM note or task).
    pub fn title(self) -> &'static str {
        match self {
            ActivityKind::Call => "Call",
            ActivityKind::Meeting => "Meeting",
            ActivityKind::Email => "Email",
            ActivityKind::Note => "Note",
            ActivityKind::Qbr => "QBR",
        }
    }
}

text_enum!(
    Sentiment { Positive => "positive", Neutral => "neutral", Negative => "negative" }
);

text_enum!(
    InvoiceStatus { Draft => "draft", Open => "open", Paid => "paid", Failed => "failed", Void => "void" }
);

text_enum!(
    TicketPriority { Low => "low", Normal => "normal", High => "high", Urgent => "urgent" }
);

text_enum!(
    TicketStatus { Open => "open", Pending => "pending", Solved => "solved", Closed => "closed" }
);

text_enum!(SurveyKind { Nps => "nps", Csat => "csat" });

text_enum!(
    SubscriptionStatus {
        Active => "active",
        Trialing => "trialing",
        PastDue => "past_due",
        Canceled => "canceled",
    }
);

/// An amount of money in minor units (cents) with its ISO 4217 currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Money {
    #[ts(type = "number")]
    pub minor: i64,
    pub currency: String,
}

/// Where a row came from; every write records it.
pub mod source {
    pub const USER: &str = "user";
    pub const DEMO: &str = "demo";
    pub const FILE: &str = "file";
    /// Tasks a playbook created when an alert was raised.
    pub const PLAYBOOK: &str = "playbook";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_parse_the_spellings_found_in_exports() {
        assert_eq!(
            ContactRole::parse("Executive Sponsor"),
            Some(ContactRole::ExecutiveSponsor)
        );
        assert_eq!(
            ContactRole::parse("decision-maker"),
            Some(ContactRole::DecisionMaker)
        );
        assert_eq!(
            LifecycleStage::parse("At Risk"),
            Some(LifecycleStage::AtRisk)
        );
        assert_eq!(Tier::parse("b"), Some(Tier::B));
        assert_eq!(Tier::parse("D"), None);
        assert_eq!(SurveyKind::choices(), "nps, csat");
    }
}
