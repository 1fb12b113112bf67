//! A deck as positioned content: every block has its place on a 16:9 slide
//! measured in points, decided once here, so the app's preview, the
//! PowerPoint file and the text brief show the same words in the same
//! places. Renderers only translate; they never lay out or shorten text.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Slide width and height in points (13.333 × 7.5 inches, 16:9).
pub const SLIDE_W: f64 = 960.0;
pub const SLIDE_H: f64 = 540.0;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Deck {
    /// "Acme · Quarterly business review", the file's title.
    pub title: String,
    /// Who made it (the CSM), for the file's properties.
    pub author: String,
    pub slides: Vec<Slide>,
}

/// What a slide is about; the CSM picks and orders slides by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SlideKind {
    Title,
    Summary,
    Objectives,
    Milestones,
    Value,
    Usage,
    Health,
    Support,
    Voice,
    Renewal,
    Risks,
    NextQuarter,
}

impl SlideKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SlideKind::Title => "title",
            SlideKind::Summary => "summary",
            SlideKind::Objectives => "objectives",
            SlideKind::Milestones => "milestones",
            SlideKind::Value => "value",
            SlideKind::Usage => "usage",
            SlideKind::Health => "health",
            SlideKind::Support => "support",
            SlideKind::Voice => "voice",
            SlideKind::Renewal => "renewal",
            SlideKind::Risks => "risks",
            SlideKind::NextQuarter => "next_quarter",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Slide {
    pub kind: SlideKind,
    pub title: String,
    pub items: Vec<Placed>,
}

/// A rectangle on the slide, in points from the top left.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, TS)]
pub struct Area {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Placed {
    pub area: Area,
    pub block: Block,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    Text(Text),
    Kpi(Kpi),
    Table(Table),
    Chart(Chart),
    /// The CSM's logo (from their branding), fitted to its area.
    Logo,
}

/// How a piece of text or a line is coloured; renderers map tones to the
/// deck's colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Tone {
    Normal,
    Muted,
    Good,
    Bad,
    Accent,
    /// Drawn on the accent colour (the title slide's band).
    Inverse,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Text {
    pub paragraphs: Vec<Paragraph>,
    /// Font size in points.
    pub size: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Paragraph {
    pub runs: Vec<Run>,
    pub bullet: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Run {
    pub text: String,
    pub bold: bool,
    pub tone: Tone,
}

/// One figure with its label, on a tile.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Kpi {
    pub label: String,
    pub value: String,
    pub note: Option<String>,
    pub tone: Tone,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Per column: right-aligned figures.
    pub numeric: Vec<bool>,
    /// Per column: its share of the table's width (they add up to 1).
    pub widths: Vec<f64>,
    /// Row height in points (the header's too).
    pub row_height: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ChartKind {
    Line,
    Column,
}

/// A native chart: the PowerPoint file carries these numbers in the chart
/// and in its embedded workbook.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Chart {
    pub kind: ChartKind,
    pub categories: Vec<String>,
    pub series: Vec<Series>,
    /// Excel number format of the values axis, e.g. `#,##0`.
    pub number_format: String,
    pub y_min: Option<f64>,
    pub y_max: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Series {
    pub name: String,
    /// One per category; None is a gap, never a zero.
    pub values: Vec<Option<f64>>,
    pub tone: Tone,
    pub dashed: bool,
}

impl Run {
    pub fn plain(text: impl Into<String>) -> Run {
        Run {
            text: text.into(),
            bold: false,
            tone: Tone::Normal,
        }
    }
    pub fn toned(text: impl Into<String>, tone: Tone, bold: bool) -> Run {
        Run {
            text: text.into(),
            bold,
            tone,
        }
    }
}

impl Paragraph {
    pub fn of(runs: Vec<Run>) -> Paragraph {
        Paragraph {
            runs,
            bullet: false,
        }
    }
    pub fn bullet(runs: Vec<Run>) -> Paragraph {
        Paragraph { runs, bullet: true }
    }
}

/// Lines a paragraph of `chars` characters takes in a box `width` points
/// wide at `size` points. Calibri and its metric twin Carlito average about
/// half an em per character in running text; a little more is allowed so a
/// box sized by this estimate does not overflow in either.
pub fn lines_for(chars: usize, width: f64, size: f64) -> usize {
    let per_line = ((width - 14.4) / (size * 0.52)).floor().max(1.0) as usize;
    chars.div_ceil(per_line).max(1)
}

/// Height in points that paragraphs of text take at `size`.
pub fn text_height(paragraphs: &[Paragraph], width: f64, size: f64) -> f64 {
    let lines: usize = paragraphs
        .iter()
        .map(|p| {
            let chars: usize = p.runs.iter().map(|r| r.text.chars().count()).sum();
            let indent = if p.bullet { 18.0 } else { 0.0 };
            lines_for(chars, width - indent, size)
        })
        .sum();
    lines as f64 * size * 1.2 + paragraphs.len().saturating_sub(1) as f64 * size * 0.3 + 7.2
}

/// Fits text into `area`: the largest size from `size` down to `min_size`
/// at which it fits; below that, paragraphs and then words are cut and an
/// ellipsis ends the text. Returns the text and whether anything was cut.
pub fn fit(mut paragraphs: Vec<Paragraph>, area: Area, size: f64, min_size: f64) -> (Text, bool) {
    let mut s = size;
    while s > min_size && text_height(&paragraphs, area.w, s) > area.h {
        s -= 1.0;
    }
    let s = s.max(min_size);
    if text_height(&paragraphs, area.w, s) <= area.h {
        return (
            Text {
                paragraphs,
                size: s,
            },
            false,
        );
    }
    while paragraphs.len() > 1 && text_height(&paragraphs, area.w, s) > area.h {
        paragraphs.pop();
    }
    // One paragraph left that is still too long: keep the words that fit.
    if let Some(last) = paragraphs.last_mut() {
        let mut words: Vec<String> = last
            .runs
            .iter()
            .flat_map(|r| r.text.split_whitespace().map(str::to_string))
            .collect();
        let tone = last.runs.first().map_or(Tone::Normal, |r| r.tone);
        let bullet = last.bullet;
        loop {
            let text = format!("{}…", words.join(" "));
            let candidate = [Paragraph {
                runs: vec![Run::toned(text.clone(), tone, false)],
                bullet,
            }];
            if words.is_empty() || text_height(&candidate, area.w, s) <= area.h {
                *last = Paragraph {
                    runs: vec![Run::toned(text, tone, false)],
                    bullet,
                };
                break;
            }
            // Drop about a tenth at a time: a 10,000-character note takes a
            // few dozen steps, not thousands.
            let drop = (words.len() / 10).max(1);
            words.truncate(words.len() - drop);
        }
    } else {
        paragraphs.push(Paragraph::of(vec![Run::plain("…")]));
    }
    (
        Text {
            paragraphs,
            size: s,
        },
        true,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_shrinks_then_is_cut_with_an_ellipsis() {
        let area = Area {
            x: 0.0,
            y: 0.0,
            w: 400.0,
            h: 100.0,
        };
        let short = vec![Paragraph::of(vec![Run::plain("A good quarter.")])];
        let (t, cut) = fit(short, area, 18.0, 11.0);
        assert_eq!((t.size, cut), (18.0, false));

        let long = vec![Paragraph::of(vec![Run::plain("word ".repeat(2_000))])];
        let (t, cut) = fit(long, area, 18.0, 11.0);
        assert!(cut);
        assert_eq!(t.size, 11.0);
        let text = &t.paragraphs[0].runs[0].text;
        assert!(text.ends_with('…') && text.len() < 1_000, "{text}");
        assert!(text_height(&t.paragraphs, area.w, t.size) <= area.h);
    }
}
