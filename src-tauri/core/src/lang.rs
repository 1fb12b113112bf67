//! The language Steward speaks to the person using it: the sentences the
//! product writes (health explanations, warnings, playbook tasks, errors)
//! come in English and German, side by side at the place they are made, so
//! neither can be forgotten. One person uses a process, so the language is
//! the process's: the desktop shell sets the one the window shows and the
//! CLI takes the one the environment names. A thread may speak another for
//! a while (`Lang::scoped`), which is how tests check both. The sentences
//! the book keeps are rewritten when the language changes (`reword_book`).

use std::cell::Cell;
use std::sync::atomic::{AtomicU8, Ordering};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize, ts_rs::TS,
)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    De,
}

static PROCESS: AtomicU8 = AtomicU8::new(0);

thread_local! {
    static THREAD: Cell<Option<Lang>> = const { Cell::new(None) };
}

impl Lang {
    fn from_u8(v: u8) -> Lang {
        if v == 1 {
            Lang::De
        } else {
            Lang::En
        }
    }

    /// The language sentences are written in now.
    pub fn current() -> Lang {
        THREAD
            .with(Cell::get)
            .unwrap_or_else(|| Lang::from_u8(PROCESS.load(Ordering::Relaxed)))
    }

    /// Makes `self` the process's language.
    pub fn set(self) {
        PROCESS.store(self as u8, Ordering::Relaxed);
    }

    /// Runs `f` with this thread speaking `self`, then restores it.
    pub fn scoped<T>(self, f: impl FnOnce() -> T) -> T {
        let before = THREAD.with(|t| t.replace(Some(self)));
        let out = f();
        THREAD.with(|t| t.set(before));
        out
    }

    /// The language a POSIX environment asks for: LC_ALL, then LC_MESSAGES,
    /// then LANG (the first one set wins, as in C's setlocale); German when
    /// it names German, English otherwise.
    pub fn from_env() -> Lang {
        let named = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|k| std::env::var(k).ok())
            .find(|v| !v.is_empty())
            .unwrap_or_default();
        if named.to_ascii_lowercase().starts_with("de") {
            Lang::De
        } else {
            Lang::En
        }
    }

    /// The BCP 47 tag of the language's usual locale, for formatting.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::De => "de",
        }
    }
}

/// The language the sentences the book keeps (open warnings, what drags
/// each health score down, the churn risk factors) were last written in;
/// books from before languages were written in English.
pub fn book_speaks(conn: &rusqlite::Connection) -> crate::Result<Lang> {
    let stored: Option<String> = rusqlite::OptionalExtension::optional(conn.query_row(
        "SELECT value FROM meta WHERE key = 'words_lang'",
        [],
        |r| r.get(0),
    ))?;
    Ok(if stored.as_deref() == Some("de") {
        Lang::De
    } else {
        Lang::En
    })
}

/// Writes the sentences the book keeps again in `lang`, when they were
/// written in another; true when it did. They are kept so that every screen
/// reads them fast, so a new language means writing them once.
pub fn reword_book(w: &crate::write::Write<'_>, lang: Lang) -> crate::Result<bool> {
    if book_speaks(w.conn())? == lang {
        return Ok(false);
    }
    w.conn().execute(
        "INSERT INTO meta(key, value) VALUES ('words_lang', ?1)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [lang.tag()],
    )?;
    w.touch_book();
    Ok(true)
}

/// `x` with `digits` decimals, its decimal mark the current language's
/// ("1.5" in English, "1,5" in German).
pub fn decimal(x: f64, digits: usize) -> String {
    let text = format!("{x:.digits$}");
    match Lang::current() {
        Lang::En => text,
        Lang::De => text.replace('.', ","),
    }
}

/// A calendar day as the current language writes it in a sentence:
/// "1 Dec 2026" in English, "01.12.2026" in German.
pub fn day(d: chrono::NaiveDate) -> String {
    match Lang::current() {
        Lang::En => d.format("%-d %b %Y").to_string(),
        Lang::De => d.format("%d.%m.%Y").to_string(),
    }
}

/// A sentence in the current language: `say!("{n} days", "{n} Tage")`.
/// Both arms are `format!` strings and may capture the same variables.
#[macro_export]
macro_rules! say {
    ($en:literal, $de:literal $(,)?) => {
        match $crate::lang::Lang::current() {
            $crate::lang::Lang::En => format!($en),
            $crate::lang::Lang::De => format!($de),
        }
    };
    ($en:literal, $de:literal, $($arg:tt)+) => {
        match $crate::lang::Lang::current() {
            $crate::lang::Lang::En => format!($en, $($arg)+),
            $crate::lang::Lang::De => format!($de, $($arg)+),
        }
    };
}

#[cfg(test)]
mod tests {
    use super::Lang;

    #[test]
    fn a_thread_speaks_the_language_it_was_given_and_then_the_process_one() {
        let n = 3;
        assert_eq!(Lang::De.scoped(|| say!("{n} days", "{n} Tage")), "3 Tage");
        assert_eq!(Lang::En.scoped(|| say!("{n} days", "{n} Tage")), "3 days");
        assert_eq!(
            Lang::De.scoped(|| say!("{} of {}", "{} von {}", 1, 2)),
            "1 von 2"
        );
        assert_eq!(Lang::De.scoped(|| super::decimal(4.25, 1)), "4,2");
        assert_eq!(Lang::En.scoped(|| super::decimal(4.25, 1)), "4.2");
    }
}
