//! Text into XML: escaping, and removing what XML 1.0 cannot carry at all.

/// Escapes `& < > " '` and drops characters XML 1.0 forbids (C0 controls
/// other than tab, line feed and carriage return; U+FFFE and U+FFFF). A
/// single vertical tab from a pasted note is enough to make PowerPoint and
/// python-pptx refuse the whole file.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Text for one run: line breaks become spaces (paragraphs are the model's
/// line breaks), then escaped.
pub fn run_text(text: &str) -> String {
    let flat: String = text
        .chars()
        .map(|c| {
            if matches!(c, '\n' | '\r' | '\t') {
                ' '
            } else {
                c
            }
        })
        .collect();
    escape(&flat)
}

/// Whether text reads right to left: its first letter with a strong
/// direction is Hebrew or Arabic (or their presentation forms).
pub fn right_to_left(text: &str) -> bool {
    text.chars()
        .find(|c| c.is_alphabetic())
        .is_some_and(|c| matches!(c as u32, 0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF))
}

/// Points to English Metric Units (12,700 per point).
pub fn emu(points: f64) -> i64 {
    (points * 12_700.0).round() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_controls_cannot_break_the_file() {
        assert_eq!(
            escape("<b>\"R&D\"</b> 'q'\u{0}\u{B}\u{1F}\u{FFFF}ok\t"),
            "&lt;b&gt;&quot;R&amp;D&quot;&lt;/b&gt; &apos;q&apos;ok\t"
        );
        assert_eq!(run_text("a\nb\r\nc"), "a b  c");
        assert_eq!(escape("Größe 🚀 عربى"), "Größe 🚀 عربى");
    }

    #[test]
    fn direction_follows_the_first_letter() {
        assert!(right_to_left("  «שלום» world"));
        assert!(right_to_left("123 مرحبا"));
        assert!(!right_to_left("Hello שלום"));
        assert!(!right_to_left("🚀 42"));
    }
}
