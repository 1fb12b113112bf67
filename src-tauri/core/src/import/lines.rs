//! The physical lines of a file with the numbers an editor shows, read with
//! a cap on each line's length (a file of one endless line costs a
//! megabyte, not the file). Lines a malformed row swallowed are given back
//! and read again before the file goes on.

use std::fs::File;
use std::io::{BufRead, BufReader};

use super::reader::MAX_ROW_BYTES;
use crate::error::{Error, Result};

/// What `Lines::next` learnt about the line it read.
pub(super) struct LineInfo {
    pub(super) number: u64,
    /// False for the last line of a file without a final line break.
    pub(super) terminated: bool,
    /// The line holds more than `MAX_ROW_BYTES`; only its start was kept.
    pub(super) too_long: bool,
}

/// The physical lines of a file with their numbers. Lines a malformed row
/// swallowed are given back and read again before the file goes on.
pub(super) struct Lines {
    file: BufReader<File>,
    next_number: u64,
    pub(super) consumed: u64,
    again: Vec<u8>,
    again_at: usize,
    again_number: u64,
    /// Lines among those given back that were too long (their start only was kept).
    again_too_long: Vec<u64>,
}

impl Lines {
    pub(super) fn new(file: File) -> Self {
        Lines {
            file: BufReader::with_capacity(256 * 1024, file),
            next_number: 1,
            consumed: 0,
            again: Vec::new(),
            again_at: 0,
            again_number: 0,
            again_too_long: Vec::new(),
        }
    }

    /// Reads the next line into `buf` (without its '\n'); None at the end.
    pub(super) fn next(&mut self, buf: &mut Vec<u8>) -> Result<Option<LineInfo>> {
        buf.clear();
        if self.again_at < self.again.len() {
            let rest = &self.again[self.again_at..];
            let (len, used, terminated) = match memchr::memchr(b'\n', rest) {
                Some(i) => (i, i + 1, true),
                None => (rest.len(), rest.len(), false),
            };
            buf.extend_from_slice(&rest[..len]);
            self.again_at += used;
            let number = self.again_number;
            self.again_number += 1;
            if self.again_at >= self.again.len() {
                self.again.clear();
                self.again_at = 0;
            }
            let too_long = self.again_too_long.contains(&number);
            return Ok(Some(LineInfo {
                number,
                terminated,
                too_long,
            }));
        }
        let mut any = false;
        let mut too_long = false;
        let mut terminated = false;
        loop {
            let chunk = self.file.fill_buf().map_err(|e| {
                Error::io(format!("Reading stopped at line {}", self.next_number), e)
            })?;
            if chunk.is_empty() {
                break;
            }
            any = true;
            let (len, used, end) = match memchr::memchr(b'\n', chunk) {
                Some(i) => (i, i + 1, true),
                None => (chunk.len(), chunk.len(), false),
            };
            let room = MAX_ROW_BYTES.saturating_sub(buf.len());
            too_long |= len > room;
            buf.extend_from_slice(&chunk[..len.min(room)]);
            self.file.consume(used);
            self.consumed += used as u64;
            if end {
                terminated = true;
                break;
            }
        }
        if !any {
            return Ok(None);
        }
        let number = self.next_number;
        self.next_number += 1;
        if number == 1 && buf.starts_with(b"\xEF\xBB\xBF") {
            buf.drain(..3);
        }
        Ok(Some(LineInfo {
            number,
            terminated,
            too_long,
        }))
    }

    /// Puts lines back to be read again: `raw` holds them with their '\n's,
    /// starting with line `first`; `too_long` lists those that were cut.
    pub(super) fn give_back(&mut self, mut raw: Vec<u8>, first: u64, too_long: &[u64]) {
        raw.extend_from_slice(&self.again[self.again_at..]);
        self.again = raw;
        self.again_at = 0;
        self.again_number = first;
        self.again_too_long.extend_from_slice(too_long);
    }
}
