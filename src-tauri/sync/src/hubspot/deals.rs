//! HubSpot deals into the accounts' renewals. Each deal is mirrored
//! (`steward_core::deals`) with its company's account; the earliest open
//! deal the mapping calls a renewal gives the account its renewal date and,
//! in the account's own currency, its ARR. The mapping is the connection's:
//! `renewal_deal_type` (HubSpot's `dealtype`, `existingbusiness` unless
//! set) or `renewal_pipeline` (every deal of that pipeline), and the
//! properties holding the date (`renewal_date_property`, `closedate`) and
//! the amount (`renewal_amount_property`, `amount`; `renewal_amount=none`
//! leaves ARR alone). An archived deal is forgotten.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde_json::Value;

use steward_core::deals::{self, Deal};
use steward_core::error::Result;

use super::{property, DEALS};
use crate::{id_of, Page, Run, Vendor};

/// Which deals are renewals and where their date and amount are.
#[derive(Debug, Clone)]
pub struct Mapping {
    deal_type: String,
    pipeline: Option<String>,
    date_property: String,
    amount_property: String,
    amount_is_arr: bool,
}

impl Mapping {
    pub fn of(run: &Run<'_>) -> Mapping {
        Mapping::from_settings(&run.settings)
    }

    pub fn from_settings(settings: &serde_json::Map<String, Value>) -> Mapping {
        let setting = |k: &str| crate::setting(settings, k);
        Mapping {
            deal_type: setting("renewal_deal_type").unwrap_or_else(|| "existingbusiness".into()),
            pipeline: setting("renewal_pipeline"),
            date_property: setting("renewal_date_property").unwrap_or_else(|| "closedate".into()),
            amount_property: setting("renewal_amount_property").unwrap_or_else(|| "amount".into()),
            amount_is_arr: setting("renewal_amount").as_deref() != Some("none"),
        }
    }

    /// The search filter that finds the renewal deals.
    pub fn filter(&self) -> Value {
        match &self.pipeline {
            Some(p) => {
                serde_json::json!({"propertyName": "pipeline", "operator": "EQ", "value": p})
            }
            None => {
                serde_json::json!({"propertyName": "dealtype", "operator": "EQ", "value": self.deal_type})
            }
        }
    }

    /// A renewal deal in words: its name, date and amount by the mapping.
    pub fn describe(&self, deal: &Value) -> String {
        let name = property(deal, "dealname").unwrap_or_else(|| "A deal".into());
        let date = property(deal, &self.date_property)
            .and_then(|d| day(&d))
            .map_or_else(|| "no date".to_string(), |d| d.to_string());
        let amount = property(deal, &self.amount_property).unwrap_or_else(|| "no amount".into());
        let currency = property(deal, "deal_currency_code").unwrap_or_default();
        format!("renewal {name}: {date}, {amount} {currency}")
            .trim_end()
            .to_string()
    }

    /// The deal properties to ask for: the usual ones and the mapped ones.
    pub fn properties(&self) -> String {
        let mut list: Vec<&str> = DEALS.properties.split(',').collect();
        for extra in [&self.date_property, &self.amount_property] {
            if !list.contains(&extra.as_str()) {
                list.push(extra);
            }
        }
        list.join(",")
    }

    fn is_renewal(&self, deal: &Value) -> bool {
        match &self.pipeline {
            Some(p) => property(deal, "pipeline").as_deref() == Some(p.as_str()),
            None => property(deal, "dealtype").as_deref() == Some(self.deal_type.as_str()),
        }
    }
}

/// A day from a HubSpot date or datetime property.
fn day(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.get(..10)?, "%Y-%m-%d").ok()
}

fn deal(row: &Value, mapping: &Mapping, account: Option<i64>) -> std::result::Result<Deal, String> {
    let id = id_of(row.get("id")).ok_or("a deal without an id")?;
    let currency = property(row, "deal_currency_code").map(|c| c.to_uppercase());
    let amount_minor = match property(row, &mapping.amount_property) {
        None => None,
        Some(a) => {
            let major: f64 = a
                .parse()
                .map_err(|_| format!("deal {id}: the amount \"{a}\" is not a number"))?;
            let per = steward_core::currency::minor_per_major(currency.as_deref().unwrap_or("USD"));
            Some((major * per as f64).round() as i64)
        }
    };
    let close_date = match property(row, &mapping.date_property) {
        None => None,
        Some(d) => Some(day(&d).ok_or_else(|| format!("deal {id}: \"{d}\" is not a date"))?),
    };
    let flag = |k: &str| property(row, k).as_deref() == Some("true");
    Ok(Deal {
        name: property(row, "dealname").unwrap_or_else(|| format!("Deal {id}")),
        external_id: id,
        account_id: account,
        stage: property(row, "dealstage"),
        renewal: mapping.is_renewal(row),
        closed: flag("hs_is_closed"),
        won: flag("hs_is_closed_won"),
        close_date,
        amount_minor,
        currency,
    })
}

/// Keeps a page of deals, then gives every account they concern its next
/// renewal, through the accounts' own upsert (history kept).
pub fn apply(
    page: &mut Page<'_>,
    mapping: &Mapping,
    rows: &[Value],
    companies: &HashMap<String, String>,
) -> Result<()> {
    let source = Vendor::HubSpot.source();
    // Accounts to settle, with the HubSpot company each is.
    let mut settle: BTreeMap<i64, Option<String>> = BTreeMap::new();
    for row in rows {
        let Some(id) = id_of(row.get("id")) else {
            page.reject("a deal without an id".into());
            continue;
        };
        if row.get("archived").and_then(Value::as_bool) == Some(true) {
            if let Some(account) = deals::remove(page.ingest.write(), &source, &id)? {
                settle.entry(account).or_default();
            }
            page.removed();
            continue;
        }
        let company = companies.get(&id);
        let account = company.and_then(|c| page.ingest.accounts.find(c).ok());
        match deal(row, mapping, account) {
            Ok(d) => {
                let (changed, accounts) = deals::upsert(page.ingest.write(), &source, &d)?;
                if !changed {
                    page.skip();
                    continue;
                }
                crate::renewals::mark(&mut settle, accounts, account, company.cloned());
                page.wrote();
            }
            Err(reason) => page.reject(reason),
        }
    }
    crate::renewals::settle(page, Vendor::HubSpot, settle, mapping.amount_is_arr)
}
