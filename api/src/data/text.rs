//! Checks on free text a caller sends: trimmed, bounded, and free of
//! control characters (which PostgreSQL refuses in text and no caller
//! means to send). Line breaks and tabs are allowed in long text.

use crate::error::{ApiError, ApiResult};

/// `value` trimmed, 1 to `max` characters, or an error naming `field`.
pub fn required(field: &str, value: &str, max: usize, multiline: bool) -> ApiResult<String> {
    let text = value.trim();
    if text.is_empty() || text.chars().count() > max {
        return Err(ApiError::invalid(
            field,
            format!("1 to {max} characters are required"),
        ));
    }
    plain(field, text, multiline)?;
    Ok(text.to_owned())
}

/// Like [`required`], but blank text is `None`.
pub fn optional(
    field: &str,
    value: Option<&str>,
    max: usize,
    multiline: bool,
) -> ApiResult<Option<String>> {
    match value.map(str::trim).filter(|text| !text.is_empty()) {
        Some(text) => required(field, text, max, multiline).map(Some),
        None => Ok(None),
    }
}

/// Fails when `value` holds a control character (line breaks and tabs are
/// allowed when `multiline`).
pub fn plain(field: &str, value: &str, multiline: bool) -> ApiResult<()> {
    let allowed = |c: char| multiline && matches!(c, '\n' | '\r' | '\t');
    if value.chars().any(|c| c.is_control() && !allowed(c)) {
        return Err(ApiError::invalid(
            field,
            "control characters are not allowed",
        ));
    }
    Ok(())
}

/// Fails when a list is longer than `max`.
pub fn at_most<T>(field: &str, items: &[T], max: usize) -> ApiResult<()> {
    if items.len() > max {
        return Err(ApiError::invalid(
            field,
            format!("at most {max} entries are allowed"),
        ));
    }
    Ok(())
}
