//! Tauri commands, one module per domain. Each parses its arguments, calls one
//! steward-core function through `state::read`, `state::write` or
//! `state::long_write` (which run it on the blocking pool), and maps the
//! error; nothing else.

pub mod account;
pub mod app;
pub mod data;
pub mod health;
pub mod import;
pub mod plans;
pub mod portfolio;
pub mod qbr;
pub mod search;
pub mod sync;
pub mod tasks;
