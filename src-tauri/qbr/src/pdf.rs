//! PDF of a deck, rendered by LibreOffice from the .pptx Steward wrote, so
//! the PDF shows exactly the file the CSM would present. LibreOffice runs
//! headless with a profile of its own (a running LibreOffice of the user's
//! is not disturbed) in a temporary folder; without it, the error says how
//! to get it or how to save the PDF from PowerPoint instead.

use std::path::{Path, PathBuf};
use std::process::Command;

use steward_core::error::{Error, Result};
use steward_core::say;

/// The LibreOffice program, if one is installed.
pub fn renderer() -> Option<PathBuf> {
    let candidates = [
        "soffice",
        "libreoffice",
        "/usr/bin/soffice",
        "/usr/lib/libreoffice/program/soffice",
        "/Applications/LibreOffice.app/Contents/MacOS/soffice",
        "C:\\Program Files\\LibreOffice\\program\\soffice.exe",
    ];
    candidates.iter().map(PathBuf::from).find(|p| {
        Command::new(p)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

/// Converts `pptx` (the deck's bytes) into a PDF at `out`, written whole.
pub fn write(pptx: &[u8], out: &Path) -> Result<()> {
    let soffice = renderer().ok_or_else(|| {
        Error::invalid(
            say!("PDF export uses LibreOffice, which is not installed. Install it (on Debian or Ubuntu: sudo apt install libreoffice-impress-nogui), or export PowerPoint and save it as PDF from there.", "Der PDF-Export nutzt LibreOffice, das nicht installiert ist. Installieren Sie es (unter Debian oder Ubuntu: sudo apt install libreoffice-impress-nogui) oder exportieren Sie PowerPoint und speichern Sie es von dort als PDF."),
        )
    })?;
    let work = tempfile_dir()?;
    let source = work.join("deck.pptx");
    std::fs::write(&source, pptx).map_err(|e| Error::io("Cannot prepare the PDF", e))?;
    let profile = work.join("profile");
    let output = Command::new(&soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
        ])
        .arg(&work)
        .arg(&source)
        .output()
        .map_err(|e| Error::io("Cannot start LibreOffice", e))?;
    let pdf = work.join("deck.pdf");
    let result = if output.status.success() && pdf.is_file() {
        std::fs::read(&pdf)
            .map_err(|e| Error::io("Cannot read the PDF LibreOffice wrote", e))
            .and_then(|bytes| crate::batch::write_whole(out, &bytes))
    } else {
        Err(Error::Internal(format!(
            "LibreOffice could not convert the deck: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        )))
    };
    let _ = std::fs::remove_dir_all(&work);
    result
}

fn tempfile_dir() -> Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!(
        "steward-pdf-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    ));
    std::fs::create_dir_all(&dir).map_err(|e| Error::io("Cannot prepare the PDF", e))?;
    Ok(dir)
}
