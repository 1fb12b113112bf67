//! The CSM's branding for decks: their company's name, an accent colour and
//! a logo (PNG), kept in the portfolio file's `meta` so every deck and the
//! preview use the same. A logo is checked to be a PNG of sensible size and
//! its pixel size read, so the slide keeps its proportions.

use base64::Engine as _;
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

use steward_core::error::{Error, Result};
use steward_core::store::set_meta;
use steward_core::write::Write;

use crate::DEFAULT_ACCENT;
use steward_core::say;

const COMPANY: &str = "qbr_company";
const ACCENT: &str = "qbr_accent";
const LOGO: &str = "qbr_logo";
/// A logo larger than this is a photo, not a logo, and bloats every deck.
const MAX_LOGO_BYTES: usize = 1_000_000;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Branding {
    pub company: Option<String>,
    /// Six hex digits.
    pub accent: String,
    /// The logo as a data URL for previews.
    pub logo: Option<String>,
}

/// A logo's PNG bytes and its size in pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct Logo {
    pub png: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

fn meta(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()?)
}

/// Width and height from a PNG's header, or None when it is not a PNG.
pub fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    if bytes.len() < 24 || bytes[..8] != SIGNATURE || &bytes[12..16] != b"IHDR" {
        return None;
    }
    let w = u32::from_be_bytes(bytes[16..20].try_into().ok()?);
    let h = u32::from_be_bytes(bytes[20..24].try_into().ok()?);
    (w > 0 && h > 0).then_some((w, h))
}

pub fn logo(conn: &Connection) -> Result<Option<Logo>> {
    let Some(text) = meta(conn, LOGO)? else {
        return Ok(None);
    };
    let png = base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|e| Error::Internal(format!("The stored logo cannot be read: {e}")))?;
    Ok(png_size(&png).map(|(width, height)| Logo { png, width, height }))
}

/// The CSM's company name, if they gave one.
pub fn company(conn: &Connection) -> Result<Option<String>> {
    Ok(meta(conn, COMPANY)?.filter(|c| !c.trim().is_empty()))
}

pub fn load(conn: &Connection) -> Result<Branding> {
    Ok(Branding {
        company: company(conn)?,
        accent: crate::accent(conn)?,
        logo: meta(conn, LOGO)?.map(|b| format!("data:image/png;base64,{b}")),
    })
}

/// Keeps the company name (empty clears it) and the accent colour.
pub fn save(w: &Write<'_>, company: &str, accent: &str) -> Result<()> {
    let accent = accent.trim().trim_start_matches('#');
    if accent.len() != 6 || !accent.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(Error::invalid(say!(
            "\"{accent}\" is not a colour: write six hex digits such as {DEFAULT_ACCENT}.",
            "„{accent}“ ist keine Farbe: schreiben Sie sechs Hex-Ziffern wie {DEFAULT_ACCENT}."
        )));
    }
    set_meta(w.conn(), COMPANY, company.trim())?;
    set_meta(w.conn(), ACCENT, &accent.to_ascii_uppercase())
}

/// Takes the logo from a PNG file, or removes it (None).
pub fn set_logo(w: &Write<'_>, path: Option<&str>) -> Result<()> {
    let Some(path) = path else {
        w.conn()
            .execute("DELETE FROM meta WHERE key = ?1", [LOGO])?;
        return Ok(());
    };
    let bytes = std::fs::read(path).map_err(|e| {
        Error::io(
            say!("Cannot read {path}", "{path} kann nicht gelesen werden"),
            e,
        )
    })?;
    if path.to_ascii_lowercase().ends_with(".svg") {
        return Err(Error::invalid(
            say!("Decks take the logo as a PNG (PowerPoint needs a picture it can show everywhere): export the SVG as a PNG and choose that.", "Decks nehmen das Logo als PNG (PowerPoint braucht ein Bild, das es überall zeigen kann): exportieren Sie das SVG als PNG und wählen Sie dieses."),
        ));
    }
    if png_size(&bytes).is_none() {
        return Err(Error::invalid(say!(
            "{path} is not a PNG image.",
            "{path} ist kein PNG-Bild."
        )));
    }
    if bytes.len() > MAX_LOGO_BYTES {
        return Err(Error::invalid(say!(
            "The logo is {} KB; keep it under 1,000 KB (a logo, not a photo).",
            "Das Logo hat {} KB; bleiben Sie unter 1.000 KB (ein Logo, kein Foto).",
            bytes.len() / 1000
        )));
    }
    set_meta(
        w.conn(),
        LOGO,
        &base64::engine::general_purpose::STANDARD.encode(bytes),
    )
}
