//! The CSM's calendar as an iCalendar (RFC 5545) file that standard calendar
//! apps open: renewals, planned QBRs, milestone target dates and open tasks
//! with a due date, for the whole book or one account. Events are all-day; each has a
//! stable UID so a re-import updates rather than duplicates.

use chrono::{NaiveDate, Utc};
use rusqlite::Connection;

use crate::error::Result;

/// One all-day event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub uid: String,
    pub day: NaiveDate,
    pub summary: String,
    pub description: String,
}

/// Escapes text values: backslash, semicolon, comma and newlines.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            _ => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets (continuations start with a space),
/// never splitting a UTF-8 character.
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

/// Renders events as an iCalendar file.
pub fn render(events: &[Event], name: &str) -> String {
    let stamp = Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Steward//Customer success workbench//EN",
        "CALSCALE:GREGORIAN",
    ] {
        fold(line, &mut out);
    }
    fold(&format!("X-WR-CALNAME:{}", escape(name)), &mut out);
    for e in events {
        fold("BEGIN:VEVENT", &mut out);
        fold(&format!("UID:{}", e.uid), &mut out);
        fold(&format!("DTSTAMP:{stamp}"), &mut out);
        fold(
            &format!("DTSTART;VALUE=DATE:{}", e.day.format("%Y%m%d")),
            &mut out,
        );
        fold(
            &format!(
                "DTEND;VALUE=DATE:{}",
                (e.day + chrono::Duration::days(1)).format("%Y%m%d")
            ),
            &mut out,
        );
        fold(&format!("SUMMARY:{}", escape(&e.summary)), &mut out);
        if !e.description.is_empty() {
            fold(&format!("DESCRIPTION:{}", escape(&e.description)), &mut out);
        }
        fold("TRANSP:TRANSPARENT", &mut out);
        fold("END:VEVENT", &mut out);
    }
    fold("END:VCALENDAR", &mut out);
    out
}

/// Renewals of live accounts, planned QBRs, milestone targets not yet achieved, and open
/// tasks with a due date, from `today` on (open tasks also when overdue).
pub fn events(conn: &Connection, only: Option<i64>, today: NaiveDate) -> Result<Vec<Event>> {
    let mut out = Vec::new();
    crate::store::each_row(
        conn,
        "SELECT id, name, renewal_date, arr_minor, currency FROM accounts
         WHERE status = 'active' AND renewal_date >= ?1 {ONE}",
        "id",
        &[&today],
        only.into(),
        |r| {
            let arr: i64 = r.get(3)?;
            let currency: String = r.get(4)?;
            out.push(Event {
                uid: format!(
                    "renewal-{}-{}@steward",
                    r.get::<_, i64>(0)?,
                    r.get::<_, NaiveDate>(2)?
                ),
                day: r.get(2)?,
                summary: format!("Renewal: {}", r.get::<_, String>(1)?),
                description: format!("ARR {} {currency}", arr / 100),
            });
            Ok(())
        },
    )?;
    crate::store::each_row(
        conn,
        "SELECT m.id, a.name, m.title, m.target_date FROM milestones m JOIN accounts a ON a.id = m.account_id
         WHERE m.achieved_on IS NULL AND m.target_date >= ?1 AND a.status = 'active' {ONE}",
        "m.account_id",
        &[&today],
        only.into(),
        |r| {
            out.push(Event {
                uid: format!("milestone-{}@steward", r.get::<_, i64>(0)?),
                day: r.get(3)?,
                summary: format!("Milestone: {} ({})", r.get::<_, String>(2)?, r.get::<_, String>(1)?),
                description: String::new(),
            });
            Ok(())
        },
    )?;
    crate::store::each_row(
        conn,
        "SELECT q.id, a.name, q.scheduled_on FROM qbrs q JOIN accounts a ON a.id = q.account_id
         WHERE q.held_on IS NULL AND q.scheduled_on >= ?1 AND a.status = 'active' {ONE}",
        "q.account_id",
        &[&today],
        only.into(),
        |r| {
            out.push(Event {
                uid: format!("qbr-{}@steward", r.get::<_, i64>(0)?),
                day: r.get(2)?,
                summary: format!("QBR: {}", r.get::<_, String>(1)?),
                description: String::new(),
            });
            Ok(())
        },
    )?;
    crate::store::each_row(
        conn,
        "SELECT t.id, t.title, t.due_on, a.name FROM tasks t LEFT JOIN accounts a ON a.id = t.account_id
         WHERE t.done_at IS NULL AND t.due_on IS NOT NULL {ONE}",
        "t.account_id",
        &[],
        only.into(),
        |r| {
            let account: Option<String> = r.get(3)?;
            out.push(Event {
                uid: format!("task-{}@steward", r.get::<_, i64>(0)?),
                day: r.get(2)?,
                summary: match account {
                    Some(a) => format!("Task: {} ({a})", r.get::<_, String>(1)?),
                    None => format!("Task: {}", r.get::<_, String>(1)?),
                },
                description: String::new(),
            });
            Ok(())
        },
    )?;
    out.sort_by(|a, b| a.day.cmp(&b.day).then(a.uid.cmp(&b.uid)));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_long_lines_fold_at_75_octets() {
        assert_eq!(escape("a;b,c\\d\ne"), "a\\;b\\,c\\\\d\\ne");
        let mut out = String::new();
        let long = format!("SUMMARY:{}", "é".repeat(60));
        fold(&long, &mut out);
        for line in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= 75, "{} octets", line.len());
        }
        // Unfolding (drop CRLF + space) gives the line back.
        assert_eq!(out.replace("\r\n ", "").trim_end(), long);
    }

    #[test]
    fn an_event_is_all_day_with_an_exclusive_end() {
        let ics = render(
            &[Event {
                uid: "renewal-1-2027-02-28@steward".into(),
                day: NaiveDate::from_ymd_opt(2027, 2, 28).expect("date"),
                summary: "Renewal: Acme, Inc.".into(),
                description: String::new(),
            }],
            "Steward",
        );
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(ics.contains("DTSTART;VALUE=DATE:20270228\r\n"));
        assert!(
            ics.contains("DTEND;VALUE=DATE:20270301\r\n"),
            "month end rolls over"
        );
        assert!(ics.contains("SUMMARY:Renewal: Acme\\, Inc.\r\n"));
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
    }
}
