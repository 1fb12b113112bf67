//! Matching a file's column headers to an entity's fields: exact key or
//! label first, then the names exports commonly use ("Company Name",
//! "Renewal", "Segment", German ones such as "Betrag").

use crate::ingest::Entity;

/// Header names that mean a field, besides its key and label.
fn aliases(entity: Entity, key: &str) -> &'static [&'static str] {
    use Entity::*;
    match (entity, key) {
        (_, "account") => &[
            "account id",
            "account_id",
            "company",
            "company id",
            "customer",
            "customer id",
            "account name",
            "organization",
        ],
        (Accounts, "id") => &[
            "account id",
            "external id",
            "company id",
            "customer id",
            "record id",
        ],
        (Accounts, "name") => &["account name", "company name", "company", "customer name"],
        (Accounts, "domain") => &["website", "company domain"],
        (Accounts, "industry") => &["sector", "branche"],
        (Accounts, "employees") => &["employee count", "number of employees", "headcount"],
        (Accounts, "arr") => &[
            "annual recurring revenue",
            "arr amount",
            "contract value",
            "acv",
        ],
        (Accounts, "currency") => &["currency code", "arr currency"],
        (Accounts, "tier") => &["segment"],
        (Accounts, "lifecycle_stage") => &["stage", "lifecycle"],
        (Accounts, "owner") => &["csm", "account owner", "customer success manager"],
        (Accounts, "contract_start") => &["start date", "customer since", "contract start date"],
        (Accounts, "renewal_date") => &["renewal", "contract end", "renewal on"],
        (Accounts, "status") => &["account status"],
        (Accounts, "churn_date") => &["churned on", "churned at"],
        (Accounts, "churn_reason") => &["reason"],
        (Contacts, "id") => &["contact id", "external id", "record id"],
        (Contacts, "name") => &["full name", "contact name", "contact"],
        (Contacts, "email") => &["e-mail", "email address", "mail"],
        (Contacts, "title") => &["job title", "position"],
        (Contacts, "role") => &["contact role", "persona"],
        (Contacts, "is_primary") => &["primary contact", "primary"],
        (Contacts, "left_company") => &["left", "departed", "inactive"],
        (Usage, "day") => &["date", "usage date"],
        (Usage, "active_users") => &["dau", "active", "users"],
        (Usage, "logins") => &["sessions", "login count"],
        (Usage, "feature_events") => &["events", "feature usage"],
        (Usage, "api_calls") => &["api requests", "api"],
        (Usage, "licensed_seats") => &["seats", "licenses", "licences"],
        (Subscriptions, "id") => &["subscription id", "external id"],
        (Subscriptions, "plan") => &["product", "plan name"],
        (Subscriptions, "status") => &["subscription status"],
        (Subscriptions, "start_date") => &["start", "started on", "current period start"],
        (Subscriptions, "end_date") => &["end", "ends on", "canceled at"],
        (Subscriptions, "mrr") => &["monthly recurring revenue", "mrr amount"],
        (Subscriptions, "currency") => &["currency code"],
        (Subscriptions, "seats") => &["quantity", "licenses"],
        (Invoices, "id") => &["invoice id", "external id"],
        (Invoices, "number") => &["invoice number", "invoice no", "rechnungsnummer"],
        (Invoices, "amount") => &["total", "amount due", "betrag"],
        (Invoices, "currency") => &["currency code", "waehrung", "währung"],
        (Invoices, "status") => &["invoice status"],
        (Invoices, "issued_on") => &["date", "invoice date", "created", "issued"],
        (Invoices, "due_on") => &["due date", "due"],
        (Invoices, "paid_on") => &["paid date", "paid at", "paid"],
        (Tickets, "id") => &["ticket id", "external id"],
        (Tickets, "subject") => &["title", "summary"],
        (Tickets, "priority") => &["severity"],
        (Tickets, "status") => &["ticket status"],
        (Tickets, "opened_at") => &["created", "created at", "opened"],
        (Tickets, "resolved_at") => &["solved at", "closed at", "resolved"],
        (Tickets, "csat") => &["satisfaction", "satisfaction rating"],
        (Surveys, "id") => &["response id", "external id"],
        (Surveys, "contact_email") => &["email", "respondent email", "contact"],
        (Surveys, "kind") => &["type", "survey", "survey type"],
        (Surveys, "score") => &["rating", "nps score"],
        (Surveys, "comment") => &["feedback", "verbatim"],
        (Surveys, "responded_on") => &["date", "submitted at", "response date"],
        (Activities, "id") => &["activity id", "external id"],
        (Activities, "kind") => &["type", "activity type"],
        (Activities, "occurred_on") => &["date", "activity date", "when"],
        (Activities, "summary") => &["notes", "description", "subject"],
        (Activities, "sentiment") => &["mood"],
        (Activities, "next_steps") => &["follow up", "follow-up", "action items"],
        _ => &[],
    }
}

fn normalize(header: &str) -> String {
    header
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Proposes a header for each field: exact key or label first, then aliases.
pub fn auto_map(entity: Entity, headers: &[String]) -> Vec<(String, Option<String>)> {
    let normalized: Vec<String> = headers.iter().map(|h| normalize(h)).collect();
    let mut taken = vec![false; headers.len()];
    let fields = entity.fields();
    let mut result: Vec<(String, Option<String>)> =
        fields.iter().map(|f| (f.key.to_string(), None)).collect();
    // Two passes so an exact match anywhere wins over an alias match.
    for exact in [true, false] {
        for (i, field) in fields.iter().enumerate() {
            if result[i].1.is_some() {
                continue;
            }
            let mut names = vec![
                normalize(field.key),
                normalize(field.label),
                normalize(field.label_de),
            ];
            if !exact {
                names.extend(aliases(entity, field.key).iter().map(|a| normalize(a)));
            }
            let found = names
                .iter()
                .find_map(|name| (0..headers.len()).find(|&c| !taken[c] && normalized[c] == *name));
            if let Some(col) = found {
                taken[col] = true;
                result[i].1 = Some(headers[col].clone());
            }
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_matched_by_name_then_alias() {
        let headers: Vec<String> = ["Company", "Account Name", "ARR", "Renewal", "Segment"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let map = auto_map(Entity::Accounts, &headers);
        let get = |k: &str| {
            map.iter()
                .find(|(f, _)| f == k)
                .and_then(|(_, c)| c.clone())
        };
        assert_eq!(get("name").as_deref(), Some("Account Name"));
        assert_eq!(get("arr").as_deref(), Some("ARR"));
        assert_eq!(get("renewal_date").as_deref(), Some("Renewal"));
        assert_eq!(get("tier").as_deref(), Some("Segment"));
        assert_eq!(get("id").as_deref(), None);
    }
}
