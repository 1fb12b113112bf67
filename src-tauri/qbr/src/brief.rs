//! The deck as plain Markdown, for an email or a note: the same words as
//! the slides, slide by slide, with each chart's figures as a table.

use std::fmt::Write as _;

use crate::slides::{Block, Deck, Paragraph};

fn paragraph_text(p: &Paragraph) -> String {
    p.runs.iter().map(|r| r.text.as_str()).collect::<String>()
}

/// Markdown special characters a CSM's text may hold, escaped so they stay text.
fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#'
        ) {
            out.push('\\');
        }
        if c == '\n' || c == '\r' {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

pub fn markdown(deck: &Deck) -> String {
    let mut out = format!("# {}\n", md(&deck.title));
    for slide in &deck.slides {
        let _ = write!(out, "\n## {}\n\n", md(&slide.title));
        // The first item of every slide but the title is its heading, and
        // the last two of those are the footer; neither is repeated.
        let body: &[crate::slides::Placed] = match slide.kind {
            crate::slides::SlideKind::Title => &slide.items[1.min(slide.items.len())..],
            _ => {
                let end = slide
                    .items
                    .len()
                    .saturating_sub(2)
                    .max(1.min(slide.items.len()));
                &slide.items[1.min(slide.items.len())..end]
            }
        };
        for item in body {
            match &item.block {
                Block::Text(t) => {
                    let mut in_list = false;
                    for p in &t.paragraphs {
                        let text = md(&paragraph_text(p));
                        if p.bullet {
                            let _ = writeln!(out, "- {text}");
                        } else {
                            // A paragraph right after a list item would join it.
                            if in_list {
                                out.push('\n');
                            }
                            let _ = writeln!(out, "{text}\n");
                        }
                        in_list = p.bullet;
                    }
                    if in_list {
                        out.push('\n');
                    }
                }
                Block::Kpi(k) => {
                    let _ = write!(out, "- **{}:** {}", md(&k.label), md(&k.value));
                    if let Some(n) = &k.note {
                        let _ = write!(out, " ({})", md(n));
                    }
                    out.push('\n');
                }
                Block::Table(t) => {
                    out.push('\n');
                    let _ = writeln!(
                        out,
                        "| {} |",
                        t.header
                            .iter()
                            .map(|h| md(h))
                            .collect::<Vec<_>>()
                            .join(" | ")
                    );
                    let _ = writeln!(
                        out,
                        "|{}|",
                        t.numeric
                            .iter()
                            .map(|n| if *n { " ---: " } else { " --- " })
                            .collect::<Vec<_>>()
                            .join("|")
                    );
                    for row in &t.rows {
                        let _ = writeln!(
                            out,
                            "| {} |",
                            row.iter().map(|c| md(c)).collect::<Vec<_>>().join(" | ")
                        );
                    }
                    out.push('\n');
                }
                Block::Logo => {}
                Block::Chart(c) => {
                    out.push('\n');
                    let names: Vec<String> = c.series.iter().map(|s| md(&s.name)).collect();
                    let _ = writeln!(out, "| | {} |", names.join(" | "));
                    let _ = writeln!(out, "| --- |{}", " ---: |".repeat(names.len()));
                    for (i, cat) in c.categories.iter().enumerate() {
                        let cells: Vec<String> = c
                            .series
                            .iter()
                            .map(|s| {
                                s.values
                                    .get(i)
                                    .copied()
                                    .flatten()
                                    .map_or(String::new(), |v| crate::words::number(v, 1))
                            })
                            .collect();
                        let _ = writeln!(out, "| {} | {} |", md(cat), cells.join(" | "));
                    }
                    out.push('\n');
                }
            }
        }
    }
    out
}
