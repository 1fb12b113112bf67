//! The whole book out, in the files the import reads: one CSV per entity
//! (accounts, contacts, usage, subscriptions, invoices, tickets, surveys,
//! activities), headed by the import's field keys, so importing them into
//! an empty portfolio, accounts first, gives the same book. Rows are named
//! by Steward's own ids (`A12` for account 12, `C7` for contact 7, ...), so
//! every reference between files holds; money is written in major units
//! of its currency, booleans as 1 and 0. An account's own kept fields are
//! columns of the accounts file, headed by their labels.

use std::path::{Path, PathBuf};

use rusqlite::types::Value;
use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;

use crate::currency;
use crate::error::{Error, Result};
use crate::ingest::{Entity, Kind};
use crate::say;

/// The entities in the order an import must take them.
pub const ORDER: [Entity; 8] = [
    Entity::Accounts,
    Entity::Contacts,
    Entity::Usage,
    Entity::Subscriptions,
    Entity::Invoices,
    Entity::Tickets,
    Entity::Surveys,
    Entity::Activities,
];

/// One file written.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Exported {
    pub entity: Entity,
    pub path: String,
    #[ts(type = "number")]
    pub rows: u64,
}

/// The prefix of an entity's row ids in the files.
fn prefix(entity: Entity) -> &'static str {
    match entity {
        Entity::Accounts => "A",
        Entity::Contacts => "C",
        Entity::Subscriptions => "S",
        Entity::Invoices => "I",
        Entity::Tickets => "T",
        Entity::Surveys => "R",
        Entity::Activities => "V",
        Entity::Usage => "U",
    }
}

/// The file an entity goes to.
pub fn file_name(entity: Entity) -> String {
    format!("{}.csv", entity.label().replace(' ', "_"))
}

/// Writes every entity into `dir` (made when missing).
pub fn write(conn: &Connection, dir: &Path) -> Result<Vec<Exported>> {
    std::fs::create_dir_all(dir).map_err(|e| {
        Error::io(
            say!(
                "Cannot make the folder {}",
                "Der Ordner {} kann nicht angelegt werden",
                dir.display()
            ),
            e,
        )
    })?;
    ORDER
        .iter()
        .map(|&e| write_entity(conn, e, &dir.join(file_name(e))))
        .collect()
}

fn write_entity(conn: &Connection, entity: Entity, path: &PathBuf) -> Result<Exported> {
    let fields = entity.fields();
    let table = entity.table();
    let pre = prefix(entity);
    let mut select: Vec<String> = fields
        .iter()
        .map(|f| match f.kind {
            Kind::Id => format!("'{pre}' || t.id"),
            Kind::AccountRef => "'A' || t.account_id".to_string(),
            Kind::ContactRef => format!(
                "(SELECT c.email FROM contacts c WHERE c.id = t.{})",
                f.column.unwrap_or("contact_id")
            ),
            _ => format!("t.{}", f.column.unwrap_or(f.key)),
        })
        .collect();
    // The currency its amounts are in: the row's, else its account's.
    let own_currency = fields.iter().any(|f| f.key == "currency");
    select.push(match (entity, own_currency) {
        (Entity::Accounts, _) => "t.currency".to_string(),
        (_, true) => {
            "coalesce(t.currency, (SELECT a.currency FROM accounts a WHERE a.id = t.account_id))"
                .to_string()
        }
        _ => "(SELECT a.currency FROM accounts a WHERE a.id = t.account_id)".to_string(),
    });
    // An account's own kept fields follow its columns, headed by their
    // labels: imported with "keep", they come back as the same fields.
    let custom: Vec<(String, String)> = if entity == Entity::Accounts {
        let mut stmt = conn.prepare("SELECT key, label FROM custom_fields ORDER BY key")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    } else {
        Vec::new()
    };
    for (key, _) in &custom {
        select.push(format!(
            "(SELECT h.value FROM account_history h WHERE h.account_id = t.id AND h.field = '{}'
              ORDER BY h.valid_from DESC, h.id DESC LIMIT 1)",
            crate::history::custom(key).replace('\'', "''")
        ));
    }
    let order = if entity == Entity::Usage {
        "t.account_id, t.day"
    } else {
        "t.id"
    };
    let sql = format!(
        "SELECT {} FROM {table} t ORDER BY {order}",
        select.join(", ")
    );
    let mut out = csv::Writer::from_path(path).map_err(|e| {
        Error::io(
            say!(
                "Cannot write {}",
                "{} kann nicht geschrieben werden",
                path.display()
            ),
            std::io::Error::other(e),
        )
    })?;
    let fail = |e: csv::Error| {
        Error::io(
            say!(
                "Cannot write {}",
                "{} kann nicht geschrieben werden",
                path.display()
            ),
            std::io::Error::other(e),
        )
    };
    out.write_record(
        fields
            .iter()
            .map(|f| f.key)
            .chain(custom.iter().map(|(_, label)| label.as_str())),
    )
    .map_err(fail)?;
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query([])?;
    let mut n = 0u64;
    while let Some(row) = rows.next()? {
        let currency: Option<String> = row.get(fields.len())?;
        let per = currency::minor_per_major(currency.as_deref().unwrap_or("USD"));
        let mut record = Vec::with_capacity(fields.len());
        for (i, f) in fields.iter().enumerate() {
            let v: Value = row.get(i)?;
            record.push(match (v, f.kind) {
                (Value::Null, _) => String::new(),
                (Value::Integer(minor), Kind::Money) => major(minor, per),
                (Value::Integer(n), _) => n.to_string(),
                (Value::Real(x), _) => x.to_string(),
                (Value::Text(t), _) => t,
                (Value::Blob(_), _) => String::new(),
            });
        }
        for j in 0..custom.len() {
            let value: Option<String> = row.get(fields.len() + 1 + j)?;
            record.push(value.unwrap_or_default());
        }
        out.write_record(&record).map_err(fail)?;
        n += 1;
    }
    out.flush().map_err(|e| {
        Error::io(
            say!(
                "Cannot write {}",
                "{} kann nicht geschrieben werden",
                path.display()
            ),
            e,
        )
    })?;
    Ok(Exported {
        entity,
        path: path.display().to_string(),
        rows: n,
    })
}

/// Minor units as the major amount, with exactly the currency's digits.
fn major(minor: i64, per: i64) -> String {
    if per <= 1 {
        return minor.to_string();
    }
    let digits = (per as f64).log10().round() as usize;
    let sign = if minor < 0 { "-" } else { "" };
    let m = minor.unsigned_abs();
    let per = per.unsigned_abs();
    format!("{sign}{}.{:0digits$}", m / per, m % per)
}

#[cfg(test)]
mod tests {
    use super::major;

    #[test]
    fn money_is_written_in_the_currencys_own_digits() {
        assert_eq!(major(123_456, 100), "1234.56");
        assert_eq!(major(5, 100), "0.05");
        assert_eq!(major(-1_050, 100), "-10.50");
        assert_eq!(major(1_235, 1), "1235");
        assert_eq!(major(1_235, 1000), "1.235");
    }
}
