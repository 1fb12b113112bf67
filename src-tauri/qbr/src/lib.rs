//! QBR decks. `facts` reads what a quarterly business review reports from
//! the book as it was on the review's day; `compose` turns those facts into
//! positioned slides (`slides`), leaving out what the book does not hold;
//! `pptx` writes them as an editable PowerPoint file with native charts and
//! `brief` as Markdown. The app, the CLI and the tests all go through
//! [`build`], so a preview and a file never disagree.

pub mod batch;
pub mod brief;
pub mod compose;
pub mod facts;
pub mod pptx;
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

/// The deck as .pptx bytes in the given accent colour (hex, e.g. "0F766E").
pub fn pptx(deck: &Deck, accent: &str, created: DateTime<Utc>) -> Result<Vec<u8>> {
    pptx::write(deck, &pptx::Colors::with_accent(accent), created)
}
