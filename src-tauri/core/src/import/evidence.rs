//! What the first rows of a file show about how it writes numbers and
//! dates: a value that reads only one way is evidence ("1,234.56" shows a
//! decimal point, "25/12/2026" a day-first date), a value that reads two
//! ways ("1,234", "03/04/2026") is not.

use super::dates::order_shown;
use super::numbers::mark_shown;
use super::reader::{DateOrder, ReadOptions};

#[derive(Default)]
pub struct Evidence {
    /// Per column: values showing a decimal point, and a decimal comma.
    marks: Vec<(u32, u32)>,
    day_first: u32,
    month_first: u32,
}

impl Evidence {
    pub fn observe(&mut self, column: usize, text: &str) {
        if self.marks.len() <= column {
            self.marks.resize(column + 1, (0, 0));
        }
        match mark_shown(text) {
            Some(false) => self.marks[column].0 += 1,
            Some(true) => self.marks[column].1 += 1,
            None => {}
        }
        match order_shown(text) {
            Some(DateOrder::DayFirst) => self.day_first += 1,
            Some(DateOrder::MonthFirst) => self.month_first += 1,
            None => {}
        }
    }

    /// Sets the file's decimal mark (the one most columns show; the
    /// separator's custom when none does), the columns that show the other
    /// one, and the slash date order when the rows agree on one.
    pub fn apply(&self, headers: &[String], options: &mut ReadOptions) {
        let shown: Vec<(usize, bool)> = self
            .marks
            .iter()
            .enumerate()
            .filter_map(|(i, &(point, comma))| match (point > 0, comma > 0) {
                (true, false) => Some((i, false)),
                (false, true) => Some((i, true)),
                _ => None,
            })
            .collect();
        let commas = shown.iter().filter(|(_, c)| *c).count();
        let points = shown.len() - commas;
        if commas != points {
            options.decimal_comma = commas > points;
        }
        options.other_decimal_columns = shown
            .iter()
            .filter(|(_, c)| *c != options.decimal_comma)
            .filter_map(|(i, _)| headers.get(*i).cloned())
            .collect();
        options.slash_dates = match (self.day_first > 0, self.month_first > 0) {
            (true, false) => Some(DateOrder::DayFirst),
            (false, true) => Some(DateOrder::MonthFirst),
            _ => options.slash_dates,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rows_show_which_decimal_mark_a_file_and_each_column_uses() {
        let headers: Vec<String> = ["id", "arr", "discount", "date"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mut evidence = Evidence::default();
        for row in [
            ["1", "1,234.50", "0,5", "31.03.2026"],
            ["2", "1,234", "0,25", "01.04.2026"],
        ] {
            for (i, cell) in row.iter().enumerate() {
                evidence.observe(i, cell);
            }
        }
        let mut options = super::super::reader::ReadOptions {
            format: super::super::reader::FileFormat::Csv,
            delimiter: ";".into(),
            decimal_comma: true,
            other_decimal_columns: vec![],
            slash_dates: None,
        };
        // One column shows points, one commas: a tie keeps the separator's custom.
        evidence.apply(&headers, &mut options);
        assert!(options.decimal_comma);
        assert_eq!(options.other_decimal_columns, vec!["arr".to_string()]);
        assert!(!options.decimal_comma_in("arr"));
        assert!(options.decimal_comma_in("discount"));
        // Values that read two ways are no evidence: the separator decides.
        let mut evidence = Evidence::default();
        evidence.observe(0, "1,234");
        evidence.observe(0, "1.234");
        options.decimal_comma = false;
        evidence.apply(&headers, &mut options);
        assert!(!options.decimal_comma);
        assert!(options.other_decimal_columns.is_empty());
    }
}
