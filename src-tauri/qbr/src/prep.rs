//! Preparing a deck in the app: the CSM's choices (kept with the planned
//! QBR so the same deck can be made again), and everything the QBR screen
//! shows to make them: the deck itself, the drafted summary, which slides
//! have data, and the period's quotes to pick from.

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use steward_core::error::{Error, Result};
use steward_core::qbr::{self, Qbr};
use steward_core::write::Write;

use crate::compose::{self, Choices, DEFAULT_ORDER};
use crate::facts;
use crate::slides::{Deck, SlideKind};
use crate::words::{day_month, period};
use steward_core::say;

/// What the CSM chose; absent fields take the defaults (today, the drafted
/// summary, every slide with data in the usual order, the newest quotes).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct DeckChoices {
    pub as_of: Option<NaiveDate>,
    pub summary: Option<String>,
    pub slides: Option<Vec<SlideKind>>,
    /// Positions in the period's list of comments (newest first).
    pub quotes: Option<Vec<u32>>,
}

impl DeckChoices {
    pub fn compose(&self) -> Choices {
        Choices {
            summary: self.summary.clone(),
            slides: self.slides.clone(),
            verbatims: self
                .quotes
                .as_ref()
                .map(|q| q.iter().map(|i| *i as usize).collect()),
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Quote {
    pub index: u32,
    pub text: String,
    /// "Dana Kim · NPS 9 · Nov 3".
    pub source: String,
}

/// Everything the QBR screen shows.
#[derive(Debug, Clone, Serialize, TS)]
pub struct DeckView {
    pub deck: Deck,
    pub as_of: NaiveDate,
    /// "Sep 2 – Dec 2, 2026".
    pub period: String,
    pub since_last_qbr: bool,
    /// The summary drafted from the book, to start from or go back to.
    pub draft_summary: String,
    /// Slides the book has data for, in the usual order.
    pub available: Vec<SlideKind>,
    pub quotes: Vec<Quote>,
    /// The choices kept with the planned QBR, if any.
    pub saved: Option<DeckChoices>,
    pub planned: Option<Qbr>,
    /// How the deck looks: company, accent, logo (as a data URL).
    pub branding: crate::brand::Branding,
}

/// The deck and what the screen needs to change it.
pub fn view(
    conn: &Connection,
    account_id: i64,
    choices: &DeckChoices,
    today: NaiveDate,
) -> Result<DeckView> {
    let as_of = choices.as_of.unwrap_or(today);
    if as_of > today {
        return Err(Error::invalid(
            say!("A deck reads the book as it is or was: pick today or an earlier day.", "Ein Deck liest das Portfolio, wie es ist oder war: wählen Sie heute oder einen früheren Tag."),
        ));
    }
    let f = facts::read(conn, account_id, as_of)?;
    let everything = compose::deck(&f, &Choices::default());
    let available = DEFAULT_ORDER
        .iter()
        .copied()
        .filter(|k| everything.slides.iter().any(|s| s.kind == *k))
        .collect();
    let quotes = f
        .voice
        .verbatims
        .iter()
        .enumerate()
        .map(|(i, v)| Quote {
            index: i as u32,
            text: v.comment.clone(),
            source: [
                v.who.clone(),
                Some(format!("{} {}", v.kind.to_uppercase(), v.score)),
                Some(day_month(v.on)),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · "),
        })
        .collect();
    Ok(DeckView {
        deck: compose::deck(&f, &choices.compose()),
        as_of,
        period: period(f.from, f.day),
        since_last_qbr: f.since_last_qbr,
        draft_summary: compose::draft_summary(&f),
        available,
        quotes,
        saved: saved(conn, account_id)?,
        planned: qbr::plan(conn, account_id)?.next,
        branding: crate::brand::load(conn)?,
    })
}

/// The choices kept with the account's planned QBR.
pub fn saved(conn: &Connection, account_id: i64) -> Result<Option<DeckChoices>> {
    Ok(qbr::deck_choices(conn, account_id)?
        .and_then(|(_, json)| json)
        .and_then(|json| serde_json::from_str(&json).ok()))
}

/// Keeps the choices with the planned QBR. The day the book is read as of
/// is pinned (today when none was picked), so the same deck comes out when
/// it is made again later.
pub fn save(w: &Write<'_>, account_id: i64, choices: &DeckChoices) -> Result<()> {
    let pinned = DeckChoices {
        as_of: Some(choices.as_of.unwrap_or(w.today())),
        ..choices.clone()
    };
    let json = serde_json::to_string(&pinned)
        .map_err(|e| Error::Internal(format!("Could not keep the deck's choices: {e}")))?;
    qbr::save_deck_choices(w, account_id, &json).map(|_| ())
}

/// The kinds of file a deck is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DeckFormat {
    /// PowerPoint, with native charts.
    Pptx,
    /// The brief: the same words as Markdown, for an email.
    Markdown,
    /// The PowerPoint file rendered by LibreOffice.
    Pdf,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct DeckFile {
    pub path: String,
    #[ts(type = "number")]
    pub bytes: u64,
    pub slides: u32,
}

const FOLDER_KEY: &str = "qbr_folder";

/// The folder the CSM last wrote a deck to.
pub fn last_folder(conn: &Connection) -> Result<Option<String>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [FOLDER_KEY], |r| {
            r.get(0)
        })
        .optional()?)
}

/// A deck ready to be written: its file name and content (for a PDF, the
/// PowerPoint file LibreOffice will render).
pub struct Rendered {
    pub file_name: String,
    pub content: Vec<u8>,
    pub slides: u32,
}

/// Makes the deck for these choices in `format` (reads only).
pub fn render(
    conn: &Connection,
    account_id: i64,
    choices: &DeckChoices,
    today: NaiveDate,
    format: DeckFormat,
) -> Result<Rendered> {
    let v = view(conn, account_id, choices, today)?;
    let name: String = conn.query_row(
        "SELECT name FROM accounts WHERE id = ?1",
        [account_id],
        |r| r.get(0),
    )?;
    let (ext, content) = match format {
        DeckFormat::Pptx => (
            "pptx",
            crate::pptx(&v.deck, &crate::Look::of(conn)?, chrono::Utc::now())?,
        ),
        DeckFormat::Pdf => (
            "pdf",
            crate::pptx(&v.deck, &crate::Look::of(conn)?, chrono::Utc::now())?,
        ),
        DeckFormat::Markdown => ("md", crate::brief::markdown(&v.deck).into_bytes()),
    };
    Ok(Rendered {
        file_name: crate::batch::file_name(&name, v.as_of, ext),
        content,
        slides: v.deck.slides.len() as u32,
    })
}

/// Writes a rendered deck into `folder`, whole (no database involved: a
/// PDF takes LibreOffice a second or two, and nothing waits on it).
pub fn write_file(rendered: &Rendered, folder: &str, format: DeckFormat) -> Result<DeckFile> {
    let folder = folder.trim();
    if folder.is_empty() {
        return Err(Error::invalid(say!(
            "Choose the folder the deck goes into.",
            "Wählen Sie den Ordner für das Deck."
        )));
    }
    let dir = std::path::Path::new(folder);
    if !dir.is_dir() {
        return Err(Error::invalid(say!(
            "The folder {folder} does not exist.",
            "Den Ordner {folder} gibt es nicht."
        )));
    }
    let path = dir.join(&rendered.file_name);
    if format == DeckFormat::Pdf {
        crate::pdf::write(&rendered.content, &path)?;
    } else {
        crate::batch::write_whole(&path, &rendered.content)?;
    }
    Ok(DeckFile {
        path: path.display().to_string(),
        bytes: std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0),
        slides: rendered.slides,
    })
}

/// Records a written deck with the planned QBR (a brief is not a deck) and
/// remembers its folder for next time.
pub fn record(w: &Write<'_>, account_id: i64, file: &DeckFile, format: DeckFormat) -> Result<()> {
    if format != DeckFormat::Markdown {
        qbr::record_deck_file(w, account_id, &file.path)?;
    }
    if let Some(folder) = std::path::Path::new(&file.path).parent() {
        steward_core::store::set_meta(w.conn(), FOLDER_KEY, &folder.display().to_string())?;
    }
    Ok(())
}
