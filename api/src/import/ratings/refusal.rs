//! Why a ratings file was refused whole: each fault, with the line of the
//! file it is on when it is on one.

use std::fmt;

use serde::Serialize;

/// At most this many faults are listed.
pub const MAX_FAULTS: usize = 20;

/// One reason the file was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fault {
    /// The line of the file, counting the header as line 1.
    pub line: Option<usize>,
    pub message: String,
}

impl Fault {
    pub fn at(line: usize, message: impl Into<String>) -> Fault {
        Fault {
            line: Some(line),
            message: message.into(),
        }
    }

    pub fn whole(message: impl Into<String>) -> Fault {
        Fault {
            line: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// A file refused whole: nothing of it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused(pub Vec<Fault>);

impl Refused {
    /// The faults by line, at most [`MAX_FAULTS`] of them.
    pub fn new(mut faults: Vec<Fault>) -> Refused {
        faults.sort_by_key(|f| f.line.unwrap_or(usize::MAX));
        if faults.len() > MAX_FAULTS {
            faults.truncate(MAX_FAULTS);
            faults.push(Fault::whole("further faults are not listed"));
        }
        Refused(faults)
    }
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the ratings file was not imported:")?;
        self.0.iter().try_for_each(|fault| write!(f, "\n{fault}"))
    }
}

impl std::error::Error for Refused {}
