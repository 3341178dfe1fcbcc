//! Neutral recording: finds judgemental wording and personal names in
//! evidence text, so observers record what was seen rather than a verdict
//! on a person.

/// Terms that judge rather than describe, used when a trust keeps no list
/// of its own. Matched as whole words, ignoring case.
pub const DEFAULT_TERMS: &[&str] = &[
    "amazing",
    "appalling",
    "awful",
    "bad",
    "brilliant",
    "disappointing",
    "dreadful",
    "excellent",
    "fantastic",
    "failing",
    "inadequate",
    "incompetent",
    "lazy",
    "outstanding",
    "pathetic",
    "poor",
    "superb",
    "terrible",
    "unacceptable",
    "useless",
    "weak",
    "good teacher",
    "bad teacher",
    "needs to improve",
    "should have",
];

/// Titles that, followed by a capitalised word, name a person.
const TITLES: &[&str] = &["mr", "mrs", "ms", "miss", "mx", "dr", "sir"];

/// Why a piece of evidence was flagged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingKind {
    Judgemental,
    PersonalName,
}

/// One flagged stretch of evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub kind: FindingKind,
    /// The words as written.
    pub text: String,
}

impl Finding {
    /// The explanation a caller sees.
    pub fn message(&self) -> String {
        match self.kind {
            FindingKind::Judgemental => format!(
                "'{}' judges rather than describes; record what was seen or heard",
                self.text
            ),
            FindingKind::PersonalName => format!(
                "'{}' looks like a person's name; evidence never identifies anyone",
                self.text
            ),
        }
    }
}

/// The trust's terms: its own list when it keeps one, else the default.
pub fn terms_of(own: Option<&str>) -> Vec<String> {
    match own {
        Some(list) => list
            .lines()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_lowercase)
            .collect(),
        None => DEFAULT_TERMS.iter().map(|t| (*t).to_owned()).collect(),
    }
}

/// Words of `text` with their original spelling.
fn words(text: &str) -> Vec<&str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '.'))
        .map(|w| w.trim_matches(|c| c == '\'' || c == '.'))
        .filter(|w| !w.is_empty())
        .collect()
}

/// Judgemental terms and personal names in `text`, in the order they occur.
pub fn check(text: &str, terms: &[String]) -> Vec<Finding> {
    let words = words(text);
    let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    let phrases: Vec<Vec<&str>> = terms
        .iter()
        .map(|t| t.split_whitespace().collect())
        .collect();
    let mut found = Vec::new();
    for i in 0..words.len() {
        for phrase in &phrases {
            let end = i + phrase.len();
            if !phrase.is_empty() && end <= words.len() && lower[i..end].iter().eq(phrase.iter()) {
                found.push(Finding {
                    kind: FindingKind::Judgemental,
                    text: words[i..end].join(" "),
                });
            }
        }
        let capitalised = |w: &str| w.chars().next().is_some_and(char::is_uppercase);
        if TITLES.contains(&lower[i].as_str()) && words.get(i + 1).is_some_and(|w| capitalised(w)) {
            let name = format!("{} {}", words[i], words[i + 1]);
            found.push(Finding {
                kind: FindingKind::PersonalName,
                text: name,
            });
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds_and_text(text: &str) -> Vec<(FindingKind, String)> {
        let terms = terms_of(None);
        check(text, &terms)
            .into_iter()
            .map(|f| (f.kind, f.text))
            .collect()
    }

    #[test]
    fn judgemental_words_and_phrases_are_found_as_whole_words_in_any_case() {
        let found =
            kinds_and_text("A Terrible start; the teacher Should Have modelled it. Poorly lit.");
        assert_eq!(
            found,
            [
                (FindingKind::Judgemental, "Terrible".to_owned()),
                (FindingKind::Judgemental, "Should Have".to_owned()),
            ]
        );
    }

    #[test]
    fn a_title_before_a_capitalised_word_is_a_name() {
        let found =
            kinds_and_text("Mrs Smith asked; Dr. Patel listened; mr jones; the Miss was easy");
        assert_eq!(
            found,
            [
                (FindingKind::PersonalName, "Mrs Smith".to_owned()),
                (FindingKind::PersonalName, "Dr Patel".to_owned()),
            ]
        );
    }

    #[test]
    fn neutral_evidence_has_no_findings_and_a_trust_list_replaces_the_default() {
        assert_eq!(
            kinds_and_text("Pupils read aloud from the shared text."),
            []
        );
        let own = terms_of(Some("chaotic\n\n  Off Task \n"));
        assert_eq!(own, ["chaotic", "off task"]);
        let found = check("A chaotic, terrible start; pupils off task.", &own);
        let texts: Vec<&str> = found.iter().map(|f| f.text.as_str()).collect();
        assert_eq!(texts, ["chaotic", "off task"]);
    }
}
