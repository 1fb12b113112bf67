//! Playbooks: for each alert reason, a template of tasks with due offsets,
//! the ones Steward ships until the CSM edits one, and the tasks an alert
//! gets from its reason's playbook (once per alert).

use chrono::{Duration, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::AlertReason;
use crate::error::{Error, Result};
use crate::model::source;
use crate::say;
use crate::write::Write;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PlaybookTask {
    pub title: String,
    /// Due this many days after the alert is raised.
    #[ts(type = "number")]
    pub due_in_days: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Playbook {
    pub reason: AlertReason,
    pub enabled: bool,
    pub tasks: Vec<PlaybookTask>,
}

fn task(title: String, due_in_days: i64) -> PlaybookTask {
    PlaybookTask { title, due_in_days }
}

/// The playbooks Steward ships, used until the CSM edits one.
pub fn default_playbook(reason: AlertReason) -> Playbook {
    let tasks = match reason {
        AlertReason::HealthRed => vec![
            task(
                say!(
                    "Review the health breakdown and call the champion",
                    "Health-Aufschlüsselung prüfen und den Champion anrufen"
                ),
                1,
            ),
            task(
                say!(
                    "Agree a recovery plan with the executive sponsor",
                    "Mit dem Executive Sponsor einen Rettungsplan vereinbaren"
                ),
                7,
            ),
        ],
        AlertReason::HealthDrop => vec![task(
            say!(
                "Find out what changed since last month",
                "Herausfinden, was sich seit letztem Monat geändert hat"
            ),
            2,
        )],
        AlertReason::UsageDrop => vec![
            task(
                say!(
                    "Check which teams stopped using the product",
                    "Prüfen, welche Teams das Produkt nicht mehr nutzen"
                ),
                2,
            ),
            task(
                say!(
                    "Offer a refresher training session",
                    "Eine Auffrischungsschulung anbieten"
                ),
                7,
            ),
        ],
        AlertReason::RenewalAtRisk => vec![
            task(
                say!(
                    "Prepare the renewal conversation: value delivered, open issues",
                    "Verlängerungsgespräch vorbereiten: erzielter Nutzen, offene Punkte"
                ),
                3,
            ),
            task(
                say!(
                    "Meet the decision maker about the renewal",
                    "Mit dem Entscheider über die Verlängerung sprechen"
                ),
                10,
            ),
        ],
        AlertReason::ChampionLeft => vec![
            task(
                say!(
                    "Ask the sponsor who takes over from the champion",
                    "Den Sponsor fragen, wer die Rolle des Champions übernimmt"
                ),
                2,
            ),
            task(
                say!("Onboard the new champion", "Den neuen Champion einarbeiten"),
                14,
            ),
        ],
        AlertReason::NoSponsor => {
            vec![task(
                say!(
                    "Find an executive sponsor and introduce yourself",
                    "Einen Executive Sponsor finden und sich vorstellen"
                ),
                14,
            )]
        }
        AlertReason::InvoiceOverdue => {
            vec![task(
                say!(
                    "Ask the billing contact about the open invoice",
                    "Den Abrechnungskontakt nach der offenen Rechnung fragen"
                ),
                2,
            )]
        }
        AlertReason::UrgentTicket => vec![task(
            say!(
                "Escalate the urgent ticket with support",
                "Das dringende Ticket beim Support eskalieren"
            ),
            1,
        )],
        AlertReason::Detractor => vec![task(
            say!(
                "Call the detractor back and close the loop",
                "Den Kritiker zurückrufen und die Sache abschließen"
            ),
            3,
        )],
        AlertReason::TouchOverdue => Vec::new(),
        AlertReason::MilestoneMissed => vec![
            task(
                say!(
                    "Find out what blocks the missed milestone",
                    "Herausfinden, was den verpassten Meilenstein blockiert"
                ),
                2,
            ),
            task(
                say!(
                    "Agree a new date with the customer",
                    "Mit dem Kunden ein neues Datum vereinbaren"
                ),
                7,
            ),
        ],
        AlertReason::Expansion => vec![task(
            say!(
                "Propose more seats: usage is near the limit",
                "Mehr Lizenzen vorschlagen: die Nutzung ist nahe am Limit"
            ),
            7,
        )],
    };
    Playbook {
        reason,
        enabled: !tasks.is_empty(),
        tasks,
    }
}

/// Every reason's playbook: the CSM's version where saved, else the default.
pub fn playbooks(conn: &Connection) -> Result<Vec<Playbook>> {
    let mut stmt = conn.prepare_cached("SELECT enabled, tasks FROM playbooks WHERE reason = ?1")?;
    AlertReason::ALL
        .iter()
        .map(|&reason| {
            let stored: Option<(bool, String)> = stmt
                .query_row([reason], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            Ok(match stored {
                Some((enabled, json)) => Playbook {
                    reason,
                    enabled,
                    tasks: serde_json::from_str(&json).unwrap_or_default(),
                },
                None => default_playbook(reason),
            })
        })
        .collect()
}

pub fn save_playbook(w: &Write<'_>, playbook: &Playbook) -> Result<()> {
    let conn = w.conn();
    for t in &playbook.tasks {
        if t.title.trim().is_empty() {
            return Err(Error::invalid(say!(
                "Every playbook task needs a title.",
                "Jede Playbook-Aufgabe braucht einen Titel."
            )));
        }
        if !(0..=365).contains(&t.due_in_days) {
            return Err(Error::invalid(say!(
                "\"{}\": due in 0 to 365 days.",
                "„{}“: fällig in 0 bis 365 Tagen.",
                t.title.trim()
            )));
        }
    }
    let json = serde_json::to_string(&playbook.tasks).map_err(|e| {
        Error::invalid(say!(
            "The playbook cannot be stored: {e}",
            "Das Playbook kann nicht gespeichert werden: {e}"
        ))
    })?;
    conn.execute(
        "INSERT INTO playbooks(reason, enabled, tasks, updated_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(reason) DO UPDATE SET enabled = excluded.enabled, tasks = excluded.tasks,
           updated_at = excluded.updated_at",
        params![
            playbook.reason,
            playbook.enabled,
            json,
            Utc::now().to_rfc3339()
        ],
    )?;
    Ok(())
}

/// Creates the tasks of the alert's playbook (once per alert); returns how
/// many were created.
pub fn apply_playbook(w: &Write<'_>, alert_id: i64) -> Result<u32> {
    let account_id = playbook_tasks(w.conn(), alert_id, w.today())?;
    let created = account_id.map_or(0, |(_, n)| n);
    if let Some((account, _)) = account_id {
        w.touch(account);
    }
    Ok(created)
}

/// Creates the tasks of the alert's playbook unless it has them; returns
/// the account and how many were created. Assessment applies playbooks
/// through this too, inside the write that raised the alert.
pub(crate) fn playbook_tasks(
    conn: &Connection,
    alert_id: i64,
    today: NaiveDate,
) -> Result<Option<(i64, u32)>> {
    let (account_id, reason, applied): (i64, AlertReason, bool) = conn
        .query_row(
            "SELECT account_id, reason, EXISTS (SELECT 1 FROM tasks WHERE alert_id = ?1)
             FROM alerts WHERE id = ?1",
            [alert_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?
        .ok_or_else(|| {
            Error::not_found(say!(
                "Alert {alert_id} does not exist.",
                "Warnung {alert_id} gibt es nicht."
            ))
        })?;
    if applied {
        return Ok(None);
    }
    let playbook = playbooks(conn)?
        .into_iter()
        .find(|p| p.reason == reason)
        .filter(|p| p.enabled);
    let Some(playbook) = playbook else {
        return Ok(None);
    };
    let now = Utc::now().to_rfc3339();
    let mut insert = conn.prepare_cached(
        "INSERT INTO tasks(account_id, alert_id, title, due_on, source, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for t in &playbook.tasks {
        insert.execute(params![
            account_id,
            alert_id,
            t.title,
            today + Duration::days(t.due_in_days),
            source::PLAYBOOK,
            now
        ])?;
    }
    Ok(Some((account_id, playbook.tasks.len() as u32)))
}
