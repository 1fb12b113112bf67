//! QBR decks. `facts` reads what a quarterly business review reports from
//! the book as it was on the review's day; `compose` turns those facts into
//! positioned slides (`slides`), leaving out what the book does not hold;
//! `pptx` writes them as an editable PowerPoint file with native charts,
//! `pdf` has LibreOffice render that file, and `brief` writes Markdown. The app, the CLI and the tests all go through
//! [`build`], so a preview and a file never disagree.

pub mod batch;
pub mod brand;
pub mod brief;
pub mod compose;
pub mod facts;
pub mod pdf;
pub mod pptx;
pub mod prep;
pub mod slides;
pub mod words;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::Connection;

use steward_core::error::Result;

pub use compose::Choices;
pub use slides::Deck;

/// The deck for one account as of `day`.
pub fn build(
    conn: &Connection,
    account_id: i64,
    day: NaiveDate,
    choices: &Choices,
) -> Result<Deck> {
    let facts = facts::read(conn, account_id, day)?;
    Ok(compose::deck(&facts, choices))
}

/// How a deck looks: its accent colour and the CSM's logo.
#[derive(Debug, Clone, Default)]
pub struct Look {
    pub accent: String,
    pub logo: Option<brand::Logo>,
}

impl Look {
    /// An accent colour (hex, e.g. "0F766E") and no logo.
    pub fn accent(hex: &str) -> Look {
        Look {
            accent: hex.to_string(),
            logo: None,
        }
    }

    /// The branding kept in the portfolio.
    pub fn of(conn: &Connection) -> Result<Look> {
        Ok(Look {
            accent: accent(conn)?,
            logo: brand::logo(conn)?,
        })
    }
}

/// The deck as .pptx bytes.
pub fn pptx(deck: &Deck, look: &Look, created: DateTime<Utc>) -> Result<Vec<u8>> {
    pptx::write(
        deck,
        &pptx::Colors::with_accent(&look.accent),
        look.logo.as_ref(),
        created,
    )
}

/// Steward's own accent, until the CSM's branding sets another.
pub const DEFAULT_ACCENT: &str = "0F766E";

/// The deck accent the CSM chose (six hex digits), or Steward's.
pub fn accent(conn: &Connection) -> Result<String> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = 'qbr_accent'", [], |r| {
            r.get::<_, String>(0)
        })
        .optional()?
        .filter(|v| v.len() == 6 && v.chars().all(|c| c.is_ascii_hexdigit()))
        .unwrap_or_else(|| DEFAULT_ACCENT.to_string()))
}
