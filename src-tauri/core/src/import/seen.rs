//! Which records of a file were seen already, and on which line, so a repeat
//! is reported as a duplicate instead of silently overwriting the first.
//! Memory grows with the rows, never with the span of their days.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// FNV-1a over the parts (with a separator byte between them). Row keys are
/// hashed once per row of files with millions of rows, so this stays cheap;
/// 64 bits keep a false "duplicate" below one in ten million for a million rows.
pub fn hash_key(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in part.as_bytes().iter().chain(std::iter::once(&0x1f)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// The keys of `Seen::Hashed` are already hashes; hashing them again is wasted work.
#[derive(Default)]
pub struct PassThroughHasher(u64);

impl Hasher for PassThroughHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

pub enum Seen {
    /// Usage rows, by account and day.
    Days(HashMap<i64, DaySlots>),
    /// Everything else, by a hash of the record's identity.
    Hashed(HashMap<u64, u64, BuildHasherDefault<PassThroughHasher>>),
}

impl Seen {
    pub fn days() -> Self {
        Seen::Days(HashMap::new())
    }

    pub fn hashed() -> Self {
        Seen::Hashed(HashMap::default())
    }

    /// The line an earlier record with this key was on, or None (and this
    /// one is noted). `day` is used for usage rows, `key` for the rest.
    pub fn first_line(&mut self, account: i64, day: i32, key: u64, line: u64) -> Option<u64> {
        match self {
            Seen::Days(accounts) => accounts
                .entry(account)
                .or_default()
                .mark(day, u32::try_from(line).unwrap_or(u32::MAX))
                .map(u64::from),
            Seen::Hashed(keys) => match keys.get(&key) {
                Some(&first) => Some(first),
                None => {
                    keys.insert(key, line);
                    None
                }
            },
        }
    }
}

/// The days one account has rows for, with their lines. Dense (a line per
/// day of the span) while the days are close together, which is small and
/// fast for real exports; sparse once they spread out.
pub enum DaySlots {
    Dense {
        first_day: i32,
        lines: Vec<u32>,
        marked: usize,
    },
    Sparse(HashMap<i32, u32>),
}

impl Default for DaySlots {
    fn default() -> Self {
        DaySlots::Dense {
            first_day: 0,
            lines: Vec::new(),
            marked: 0,
        }
    }
}

impl DaySlots {
    /// Records `line` for `day`; returns the earlier line if the day was taken.
    pub fn mark(&mut self, day: i32, line: u32) -> Option<u32> {
        let DaySlots::Dense {
            first_day,
            lines,
            marked,
        } = self
        else {
            let DaySlots::Sparse(map) = self else {
                return None;
            };
            return match map.get(&day) {
                Some(&first) => Some(first),
                None => {
                    map.insert(day, line);
                    None
                }
            };
        };
        if lines.is_empty() {
            *first_day = day;
        }
        let low = i64::from((*first_day).min(day));
        let high = i64::from(*first_day) + (lines.len() as i64 - 1).max(0);
        let high = high.max(i64::from(day));
        let span = high - low + 1;
        if span > 4 * (*marked as i64 + 1) + 400 {
            // Days too far apart for a dense array: keep only the days seen.
            let mut map: HashMap<i32, u32> = HashMap::with_capacity(*marked + 1);
            for (i, &l) in lines.iter().enumerate() {
                if l != 0 {
                    map.insert(*first_day + i as i32, l);
                }
            }
            *self = DaySlots::Sparse(map);
            return self.mark(day, line);
        }
        if day < *first_day {
            // Grow the front by at least the current length, so rows in
            // newest-first order cost amortised constant time.
            let needed = (*first_day - day) as usize;
            let grow = needed
                .max(lines.len())
                .min(needed + 4 * (*marked + 1) + 400);
            lines.splice(0..0, std::iter::repeat_n(0, grow));
            *first_day -= grow as i32;
        }
        let at = (day - *first_day) as usize;
        if at >= lines.len() {
            lines.resize(at + 1, 0);
        }
        match lines[at] {
            0 => {
                lines[at] = line;
                *marked += 1;
                None
            }
            earlier => Some(earlier),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_slots_remember_first_lines_in_any_order() {
        let mut slots = DaySlots::default();
        assert_eq!(slots.mark(100, 2), None);
        assert_eq!(slots.mark(95, 3), None, "an earlier day grows the front");
        assert_eq!(slots.mark(120, 4), None);
        assert_eq!(slots.mark(100, 5), Some(2));
        assert_eq!(slots.mark(95, 6), Some(3));
        assert_eq!(slots.mark(120, 7), Some(4));
    }

    #[test]
    fn days_far_apart_stay_small_and_still_find_duplicates() {
        let mut slots = DaySlots::default();
        // Year 1 and year 9999 of the calendar, as a hostile file had them.
        assert_eq!(slots.mark(1, 2), None);
        assert_eq!(slots.mark(3_652_059, 3), None);
        assert!(matches!(slots, DaySlots::Sparse(_)));
        assert_eq!(slots.mark(1, 4), Some(2));
        assert_eq!(slots.mark(3_652_059, 5), Some(3));
    }

    #[test]
    fn newest_first_rows_grow_the_front_in_few_steps() {
        let mut slots = DaySlots::default();
        for (i, day) in (0..5_000).rev().enumerate() {
            assert_eq!(slots.mark(day, i as u32 + 2), None);
        }
        let DaySlots::Dense { lines, .. } = &slots else {
            panic!("consecutive days stay dense");
        };
        assert!(lines.len() < 11_000, "{}", lines.len());
        assert_eq!(slots.mark(0, 9), Some(5_001));
    }
}
