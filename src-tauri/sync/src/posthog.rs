//! placeholder

use steward_core::error::Result;

pub fn sync(_run: &mut crate::Run<'_>) -> Result<()> {
    Ok(())
}
