//! A fake PostHog (to come).
