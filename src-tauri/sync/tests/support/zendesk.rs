//! A fake Zendesk (to come).
