//! Native charts: the chart part (DrawingML `c:chartSpace`, elements in the
//! schema's order, which PowerPoint enforces) with the values cached in it,
//! and the small workbook embedded beside it that PowerPoint opens for
//! "Edit data". Category labels sit in column A and each series in its own
//! column from B, row 1 holding the names.

use std::fmt::Write as _;

use super::xml::{escape, run_text};
use super::{Colors, Zip};
use crate::slides::{Chart, ChartKind};
use steward_core::error::Result;

const C_NS: &str = "http://schemas.openxmlformats.org/drawingml/2006/chart";
const A_NS: &str = "http://schemas.openxmlformats.org/drawingml/2006/main";
const R_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// Column letters for 0-based column `k` (A, B, ... Z, AA, ...).
fn column(k: usize) -> String {
    let mut k = k + 1;
    let mut out = Vec::new();
    while k > 0 {
        let r = (k - 1) % 26;
        out.push(b'A' + r as u8);
        k = (k - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// A number as the file writes it: shortest form that reads back the same.
fn number(v: f64) -> String {
    if v.is_finite() {
        format!("{v}")
    } else {
        "0".into()
    }
}

fn text_props(size: u32, color: &str) -> String {
    let tl = super::text_lang();
    format!(
        r#"<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="{size}"><a:solidFill><a:srgbClr val="{color}"/></a:solidFill></a:defRPr></a:pPr><a:endParaRPr lang="{tl}"/></a:p></c:txPr>"#
    )
}

/// The chart part's XML.
pub fn chart_xml(chart: &Chart, colors: &Colors) -> String {
    let tl = super::text_lang();
    let n = chart.categories.len();
    let last_row = n + 1;
    let mut x = String::with_capacity(4096);
    let _ = write!(
        x,
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><c:chartSpace xmlns:c="{C_NS}" xmlns:a="{A_NS}" xmlns:r="{R_NS}"><c:date1904 val="0"/><c:lang val="{tl}"/><c:roundedCorners val="0"/><c:chart><c:autoTitleDeleted val="1"/><c:plotArea><c:layout/>"#
    );
    match chart.kind {
        ChartKind::Line => x.push_str(r#"<c:lineChart><c:grouping val="standard"/><c:varyColors val="0"/>"#),
        ChartKind::Column => x.push_str(
            r#"<c:barChart><c:barDir val="col"/><c:grouping val="clustered"/><c:varyColors val="0"/>"#,
        ),
    }
    for (k, s) in chart.series.iter().enumerate() {
        let col = column(k + 1);
        let color = colors.tone(s.tone);
        let _ = write!(
            x,
            r#"<c:ser><c:idx val="{k}"/><c:order val="{k}"/><c:tx><c:strRef><c:f>Sheet1!${col}$1</c:f><c:strCache><c:ptCount val="1"/><c:pt idx="0"><c:v>{name}</c:v></c:pt></c:strCache></c:strRef></c:tx>"#,
            name = run_text(&s.name)
        );
        match chart.kind {
            ChartKind::Line => {
                let dash = if s.dashed {
                    r#"<a:prstDash val="dash"/>"#
                } else {
                    ""
                };
                let _ = write!(
                    x,
                    r#"<c:spPr><a:ln w="28575" cap="rnd"><a:solidFill><a:srgbClr val="{color}"/></a:solidFill>{dash}<a:round/></a:ln></c:spPr><c:marker><c:symbol val="none"/></c:marker>"#
                );
            }
            ChartKind::Column => {
                let _ = write!(
                    x,
                    r#"<c:spPr><a:solidFill><a:srgbClr val="{color}"/></a:solidFill></c:spPr><c:invertIfNegative val="0"/>"#
                );
            }
        }
        let _ = write!(
            x,
            r#"<c:cat><c:strRef><c:f>Sheet1!$A$2:$A${last_row}</c:f><c:strCache><c:ptCount val="{n}"/>"#
        );
        for (i, c) in chart.categories.iter().enumerate() {
            let _ = write!(x, r#"<c:pt idx="{i}"><c:v>{}</c:v></c:pt>"#, run_text(c));
        }
        let _ = write!(
            x,
            r#"</c:strCache></c:strRef></c:cat><c:val><c:numRef><c:f>Sheet1!${col}$2:${col}${last_row}</c:f><c:numCache><c:formatCode>General</c:formatCode><c:ptCount val="{n}"/>"#
        );
        for (i, v) in s.values.iter().enumerate() {
            if let Some(v) = v {
                let _ = write!(x, r#"<c:pt idx="{i}"><c:v>{}</c:v></c:pt>"#, number(*v));
            }
        }
        x.push_str("</c:numCache></c:numRef></c:val>");
        if chart.kind == ChartKind::Line {
            x.push_str(r#"<c:smooth val="0"/>"#);
        }
        x.push_str("</c:ser>");
    }
    match chart.kind {
        ChartKind::Line => x.push_str(
            r#"<c:marker val="1"/><c:axId val="500000001"/><c:axId val="500000002"/></c:lineChart>"#,
        ),
        ChartKind::Column => x.push_str(
            r#"<c:gapWidth val="60"/><c:overlap val="-10"/><c:axId val="500000001"/><c:axId val="500000002"/></c:barChart>"#,
        ),
    }
    let muted = &colors.muted;
    let grid = &colors.grid;
    let _ = write!(
        x,
        r#"<c:catAx><c:axId val="500000001"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/><c:axPos val="b"/><c:numFmt formatCode="General" sourceLinked="0"/><c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:tickLblPos val="low"/><c:spPr><a:ln w="9525"><a:solidFill><a:srgbClr val="{grid}"/></a:solidFill></a:ln></c:spPr>{tx}<c:crossAx val="500000002"/><c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/><c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>"#,
        tx = text_props(1000, muted)
    );
    let mut scaling = String::from(r#"<c:orientation val="minMax"/>"#);
    if let Some(max) = chart.y_max {
        let _ = write!(scaling, r#"<c:max val="{}"/>"#, number(max));
    }
    if let Some(min) = chart.y_min {
        let _ = write!(scaling, r#"<c:min val="{}"/>"#, number(min));
    }
    let _ = write!(
        x,
        r#"<c:valAx><c:axId val="500000002"/><c:scaling>{scaling}</c:scaling><c:delete val="0"/><c:axPos val="l"/><c:majorGridlines><c:spPr><a:ln w="6350"><a:solidFill><a:srgbClr val="{grid}"/></a:solidFill></a:ln></c:spPr></c:majorGridlines><c:numFmt formatCode="{fmt}" sourceLinked="0"/><c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/><c:spPr><a:ln><a:noFill/></a:ln></c:spPr>{tx}<c:crossAx val="500000001"/><c:crosses val="autoZero"/><c:crossBetween val="between"/></c:valAx>"#,
        fmt = escape(&chart.number_format),
        tx = text_props(1000, muted)
    );
    let _ = write!(
        x,
        r#"</c:plotArea><c:legend><c:legendPos val="b"/><c:overlay val="0"/>{tx}</c:legend><c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>{all}<c:externalData r:id="rId1"><c:autoUpdate val="0"/></c:externalData></c:chartSpace>"#,
        tx = text_props(1100, &colors.text),
        all = text_props(1100, &colors.text)
    );
    x
}

/// The workbook behind a chart: the same categories and values as cells.
pub fn workbook(chart: &Chart) -> Result<Vec<u8>> {
    let mut sheet = String::with_capacity(4096);
    sheet.push_str(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#);
    let inline = |cell: &str, text: &str| {
        format!(
            r#"<c r="{cell}" t="inlineStr"><is><t>{}</t></is></c>"#,
            run_text(text)
        )
    };
    sheet.push_str(r#"<row r="1">"#);
    for (k, s) in chart.series.iter().enumerate() {
        sheet.push_str(&inline(&format!("{}1", column(k + 1)), &s.name));
    }
    sheet.push_str("</row>");
    for (i, c) in chart.categories.iter().enumerate() {
        let r = i + 2;
        let _ = write!(sheet, r#"<row r="{r}">{}"#, inline(&format!("A{r}"), c));
        for (k, s) in chart.series.iter().enumerate() {
            if let Some(Some(v)) = s.values.get(i) {
                let _ = write!(
                    sheet,
                    r#"<c r="{}{r}"><v>{}</v></c>"#,
                    column(k + 1),
                    number(*v)
                );
            }
        }
        sheet.push_str("</row>");
    }
    sheet.push_str("</sheetData></worksheet>");

    let mut zip = Zip::new();
    zip.add(
        "[Content_Types].xml",
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#,
            r#"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>"#,
            r#"<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#,
            r#"<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#,
            r#"<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"#,
            r#"</Types>"#
        ),
    )?;
    zip.add(
        "_rels/.rels",
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
    )?;
    zip.add(
        "xl/workbook.xml",
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
    )?;
    zip.add(
        "xl/_rels/workbook.xml.rels",
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#,
    )?;
    zip.add(
        "xl/styles.xml",
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"#,
    )?;
    zip.add("xl/worksheets/sheet1.xml", &sheet)?;
    zip.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_spreadsheet_letters() {
        assert_eq!(column(0), "A");
        assert_eq!(column(25), "Z");
        assert_eq!(column(26), "AA");
        assert_eq!(column(701), "ZZ");
        assert_eq!(column(702), "AAA");
    }
}
