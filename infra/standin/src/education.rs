//! Greenhouse's education look-ups (API.md 2, 2.1): degrees, disciplines and schools, the ids
//! an application's `educations[]` entries must use.

use std::collections::HashSet;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::fixtures::LoadError;

/// Greenhouse serves the education lists 100 items per page (API.md 2.1).
pub(crate) const PER_PAGE: usize = 100;

/// The name of the education fixture, looked for next to the boards directory.
pub(crate) const FILE_NAME: &str = "education.json";

/// One entry of an education list, as served: `{"id": 5001, "text": "Bachelor's Degree"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EducationItem {
    pub id: u64,
    pub text: String,
}

/// The three education lists, as stored in `infra/fixtures/education.json`. A list left empty
/// is served empty and does not restrict the ids an application may use.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EducationLists {
    #[serde(default)]
    pub degrees: Vec<EducationItem>,
    #[serde(default)]
    pub disciplines: Vec<EducationItem>,
    #[serde(default)]
    pub schools: Vec<EducationItem>,
}

/// Which list a request or an `educations[]` field refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EducationKind {
    Degrees,
    Disciplines,
    Schools,
}

impl EducationKind {
    /// The last path segment of `/v1/boards/{token}/education/{kind}`.
    pub fn from_segment(segment: &str) -> Option<EducationKind> {
        match segment {
            "degrees" => Some(EducationKind::Degrees),
            "disciplines" => Some(EducationKind::Disciplines),
            "schools" => Some(EducationKind::Schools),
            _ => None,
        }
    }

    /// The noun used in a 422 message: "... is not a valid school".
    pub fn singular(self) -> &'static str {
        match self {
            EducationKind::Degrees => "degree",
            EducationKind::Disciplines => "discipline",
            EducationKind::Schools => "school",
        }
    }
}

impl EducationLists {
    pub(crate) fn list(&self, kind: EducationKind) -> &[EducationItem] {
        match kind {
            EducationKind::Degrees => &self.degrees,
            EducationKind::Disciplines => &self.disciplines,
            EducationKind::Schools => &self.schools,
        }
    }

    /// Whether an application may use `id` for this list: any id while the list is empty
    /// (nothing loaded), otherwise only the ids it serves.
    pub(crate) fn accepts(&self, kind: EducationKind, id: i64) -> bool {
        let list = self.list(kind);
        list.is_empty() || u64::try_from(id).is_ok_and(|id| list.iter().any(|item| item.id == id))
    }

    /// The body of one page of a list: items whose `text` contains `term` (case-insensitive),
    /// 100 to a page, with `total_count` counting every match.
    pub(crate) fn page(&self, kind: EducationKind, term: Option<&str>, page: usize) -> Value {
        let term = term
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_lowercase);
        let matching: Vec<&EducationItem> = self
            .list(kind)
            .iter()
            .filter(|item| {
                term.as_deref()
                    .is_none_or(|term| item.text.to_lowercase().contains(term))
            })
            .collect();
        let skip = page.saturating_sub(1).saturating_mul(PER_PAGE);
        let items: Vec<&EducationItem> =
            matching.iter().skip(skip).take(PER_PAGE).copied().collect();
        json!({
            "items": items,
            "meta": {"total_count": matching.len(), "per_page": PER_PAGE},
        })
    }

    /// Ids must be unique within a list, or a POST could not tell which entry it names.
    fn check(&self) -> Result<(), String> {
        for (name, list) in [
            ("degrees", &self.degrees),
            ("disciplines", &self.disciplines),
            ("schools", &self.schools),
        ] {
            let mut seen = HashSet::with_capacity(list.len());
            for (index, item) in list.iter().enumerate() {
                if !seen.insert(item.id) {
                    return Err(format!("{name}[{index}]: duplicate id {}", item.id));
                }
                if item.text.trim().is_empty() {
                    return Err(format!("{name}[{index}]: empty text"));
                }
            }
        }
        Ok(())
    }
}

/// Reads `education.json` from `dir` (the parent of the boards directory). A missing file is
/// not an error: the lists are then served empty.
pub(crate) fn load(dir: &Path) -> Result<EducationLists, LoadError> {
    let path = dir.join(FILE_NAME);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Ok(EducationLists::default());
        }
        Err(source) => return Err(LoadError::Io { path, source }),
    };
    let lists: EducationLists = serde_json::from_str(&text).map_err(|source| LoadError::Parse {
        path: path.clone(),
        source,
    })?;
    lists
        .check()
        .map_err(|reason| LoadError::Invalid { path, reason })?;
    Ok(lists)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: u64, text: &str) -> EducationItem {
        EducationItem {
            id,
            text: text.to_owned(),
        }
    }

    fn lists() -> EducationLists {
        EducationLists {
            degrees: vec![item(1, "Bachelor's Degree"), item(2, "Master's Degree")],
            disciplines: Vec::new(),
            schools: (1..=250)
                .map(|n| item(n, &format!("School {n:03}")))
                .chain([item(900, "Technische Universität Berlin")])
                .collect(),
        }
    }

    #[test]
    fn term_is_a_case_insensitive_substring() {
        let lists = lists();
        let body = lists.page(EducationKind::Degrees, Some("MASTER"), 1);
        assert_eq!(
            body,
            json!({"items": [{"id": 2, "text": "Master's Degree"}],
                   "meta": {"total_count": 1, "per_page": 100}})
        );
        let body = lists.page(EducationKind::Schools, Some(" UNIVERSITÄT "), 1);
        assert_eq!(
            body["items"],
            json!([{"id": 900, "text": "Technische Universität Berlin"}])
        );
        let body = lists.page(EducationKind::Degrees, Some(""), 1);
        assert_eq!(body["meta"]["total_count"], 2);
    }

    #[test]
    fn pages_hold_a_hundred_items() {
        let lists = lists();
        let page = |n| lists.page(EducationKind::Schools, None, n);
        assert_eq!(page(1)["items"].as_array().map(Vec::len), Some(100));
        assert_eq!(page(2)["items"][0]["id"], 101);
        assert_eq!(page(3)["items"].as_array().map(Vec::len), Some(51));
        assert_eq!(page(3)["meta"]["total_count"], 251);
        assert_eq!(page(4)["items"], json!([]));
        assert_eq!(page(usize::MAX)["items"], json!([]));
        let filtered = lists.page(EducationKind::Schools, Some("school 2"), 2);
        assert_eq!(filtered["items"], json!([]));
        assert_eq!(filtered["meta"]["total_count"], 51);
    }

    #[test]
    fn empty_lists_accept_any_id() {
        let lists = lists();
        assert!(lists.accepts(EducationKind::Degrees, 2));
        assert!(!lists.accepts(EducationKind::Degrees, 3));
        assert!(!lists.accepts(EducationKind::Degrees, -2));
        assert!(lists.accepts(EducationKind::Disciplines, 12345));
        assert!(lists.accepts(EducationKind::Disciplines, -1));
        assert!(lists.accepts(EducationKind::Schools, 900));
        assert!(!lists.accepts(EducationKind::Schools, 901));
    }

    #[test]
    fn duplicate_ids_are_refused() {
        let mut lists = lists();
        assert_eq!(lists.check(), Ok(()));
        lists.degrees.push(item(1, "Other"));
        assert_eq!(lists.check(), Err("degrees[2]: duplicate id 1".to_owned()));
    }
}
